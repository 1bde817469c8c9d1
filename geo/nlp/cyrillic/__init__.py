"""Ukrainian and Russian articles, read natively and offline.

``places`` finds and resolves the places (inflected forms, oblast names), ``dates`` the
days, ``reports`` the events, figures and actors; together they give the same
``geo.incidents.Report`` records as the English pipeline, so merging, storage, tables and
exports treat both alike. Every word they use is language data in ``geo/lang/uk`` and
``geo/lang/ru``.
"""
