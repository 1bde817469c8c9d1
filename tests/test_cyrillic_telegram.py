"""Telegram channel exports (issue 25, item 4): each post of a Telegram Desktop JSON export is
an article of its channel, read in its language. Every post here is written for these tests."""

from __future__ import annotations

import datetime as dt
import json

from geo.gazetteer.index import Gazetteer
from geo.incidents import extract_incidents
from geo.store.ingest import read_uploads

EXPORT = {
    "name": "Вісті Сумщини", "type": "public_channel", "id": 1001,
    "messages": [
        {"id": 41, "type": "service", "date": "2024-11-17T21:00:00", "action": "pin_message",
         "text": ""},
        {"id": 42, "type": "message", "date": "2024-11-18T07:45:10",
         "text": ["Уночі ворожі ", {"type": "bold", "text": "дрони"},
                  " атакували Суми, поранено трьох людей. ",
                  {"type": "hashtag", "text": "#Суми"}]},
        {"id": 43, "type": "message", "date": "2024-11-18T08:02:00", "photo": "photos/1.jpg",
         "text": ""},
        {"id": 44, "type": "message", "date": "2024-11-18T09:15:00",
         "text": "Вчора ввечері окупанти обстріляли Білопілля, загинула жінка."},
    ],
}


def test_each_post_with_text_of_a_telegram_export_is_an_article_of_its_channel():
    articles, failures = read_uploads([("result.json", json.dumps(EXPORT).encode())])
    assert not failures
    assert [(a.id, a.outlet, a.published) for a in articles] == [
        ("result-42", "Вісті Сумщини", dt.date(2024, 11, 18)),
        ("result-44", "Вісті Сумщини", dt.date(2024, 11, 18))]
    assert articles[0].text == "Уночі ворожі дрони атакували Суми, поранено трьох людей. #Суми"


def test_telegram_posts_become_incidents_in_english_with_the_channel_as_outlet():
    articles, _ = read_uploads([("result.json", json.dumps(EXPORT).encode())])
    incidents = extract_incidents(articles, Gazetteer.load())
    assert sorted((i.location, i.event_date.isoformat(), i.outlets) for i in incidents) == [
        ("Bilopillia", "2024-11-17", ("Вісті Сумщини",)),
        ("Sumy", "2024-11-18", ("Вісті Сумщини",))]


def test_a_post_links_to_itself_and_a_forward_is_its_original_channels_report():
    export = {**EXPORT, "messages": [
        *EXPORT["messages"],
        {"id": 45, "type": "message", "date": "2024-11-18T10:00:00",
         "forwarded_from": "Сумська ОВА", "edited": "2024-11-18T10:20:00",
         "text": "Уночі ворожі дрони атакували Шостку, поранено двох людей."}]}
    articles, _ = read_uploads([("result.json", json.dumps(export).encode())])
    by_id = {a.id: a for a in articles}
    assert by_id["result-42"].url == "https://t.me/c/1001/42"
    assert by_id["result-45"].outlet == "Сумська ОВА"  # the forward's own source
    assert by_id["result-45"].published == dt.date(2024, 11, 18)  # posted, not edited
    named = {**export, "username": "sumy_news"}
    articles, _ = read_uploads([("result.json", json.dumps(named).encode())])
    assert articles[0].url == "https://t.me/sumy_news/42"


def test_a_channel_of_twenty_thousand_posts_is_one_file_not_refused():
    from geo.io.articles import MAX_RECORDS  # noqa: PLC0415

    posts = [{"id": i, "type": "message", "date": "2024-11-18T08:00:00",
              "text": f"Повідомлення {i}: у місті тихо."} for i in range(1, 20_001)]
    export = {"name": "Канал", "type": "public_channel", "id": 7, "messages": posts}
    articles, failures = read_uploads([("result.json", json.dumps(export).encode())])
    assert not failures and len(articles) == 20_000 > MAX_RECORDS
