"""Ukrainian and Russian articles, read natively and offline.

``places`` finds and resolves the places (inflected forms, oblast names), ``dates`` the
days, ``reports`` the events, figures and actors; together they give the same
``geo.incidents.Report`` records as the English pipeline, so merging, storage, tables and
exports treat both alike. Every word they use is language data in ``geo/lang/uk`` and
``geo/lang/ru``.

Example:
    >>> import datetime as dt
    >>> from geo.incidents import extract_reports
    >>> from geo.records import Article
    >>> report, = extract_reports(Article(id="r1", published=dt.date(2024, 8, 13),
    ...     text="В понедельник ВСУ атаковали беспилотником Белгород, погиб мужчина."))
    >>> report.place.name, report.mention_text, report.actor1
    ('Belgorod', 'Белгород', 'Military Forces of Ukraine (2019-) Air Force')
"""
