"""The stages that annotate an article's Doc (``geo.doc``), in pipeline order: sentences,
place mentions (recognise, resolve, distances: ``geoparse``), then events, dates, figures
and actors, which the report stage (``geo.incidents``) reads."""
