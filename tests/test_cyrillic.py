"""Ukrainian and Russian articles read natively (issue 25): language, places in their
inflected forms, dates, figures in words, actors, and one incident with the English report of
the same strike. Every sentence here is written for these tests."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

import geo.lang
from geo.exports import incidents_csv
from geo.gazetteer.index import Gazetteer
from geo.incidents import extract_incidents, extract_reports
from geo.nlp.cyrillic.dates import find_dates
from geo.nlp.cyrillic.places import find_places, transliterate
from geo.nlp.cyrillic.reports import find_casualties
from geo.nlp.geoparse import geoparse
from geo.pipeline import run_pipeline
from geo.records import Article
from geo.store.db import Store
from geo.store.ingest import Defaults, ingest
from geo.store.results import result_from_store

DAY = dt.date(2024, 11, 19)  # a Tuesday


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _places(text: str, lang: str, gazetteer: Gazetteer) -> list[tuple[str, str, str]]:
    return [(r.mention.text, r.place.name, r.place.feature)
            for r in find_places(text, lang, gazetteer)]


def _reports(text: str, published: dt.date = DAY, outlet: str = "Тест"):
    return extract_reports(Article(id="t", text=text, outlet=outlet, published=published))


# --- places -----------------------------------------------------------------------------------

def test_ukrainian_locative_city_is_the_english_gazetteer_place(gazetteer):
    ukrainian = find_places("Уночі у Харкові пролунали вибухи.", "uk", gazetteer)
    english = geoparse(Article(id="e", text="Shelling hit Kharkiv."), gazetteer)
    assert [r.mention.text for r in ukrainian] == ["Харкові"]
    assert ukrainian[0].place.key == english[0].place.key
    assert ukrainian[0].place.name == "Kharkiv"


def test_two_word_city_in_the_locative_is_found_whole(gazetteer):
    assert _places("У Кривому Розі оголошено повітряну тривогу.", "uk", gazetteer) == [
        ("Кривому Розі", "Kryvyy Rih", "city")]


def test_colloquial_oblast_name_is_the_region(gazetteer):
    found = _places("Дрон влучив у склад на Полтавщині, а в Донеччині тривають бої.", "uk",
                    gazetteer)
    assert [(text, feature) for text, _name, feature in found] == [
        ("Полтавщині", "region"), ("Донеччині", "region")]
    assert [name for _text, name, _f in found] == ["Poltava", "Donetsk"]


def test_the_oblast_around_a_city_that_is_its_own_region_is_the_oblast(gazetteer):
    found = find_places("Над Київщиною та Черкащиною збито дрони.", "uk", gazetteer)
    assert [r.place.key for r in found] == ["admin1:UA.13", "admin1:UA.01"]


def test_town_name_after_na_is_its_region(gazetteer):
    region = _places("Ворог атакував на Запоріжжі енергетичну інфраструктуру.", "uk", gazetteer)
    town = _places("Ворог атакував у Запоріжжі енергетичну інфраструктуру.", "uk", gazetteer)
    assert region[0][2] == "region" and town[0][2] == "city"


def test_russian_oblast_adjective_is_the_region(gazetteer):
    assert _places("Беспилотник упал в Белгородской области.", "ru", gazetteer) == [
        ("Белгородской области", "Belgorod Oblast", "region")]


def test_village_spelled_in_ukrainian_meets_the_official_transliteration(gazetteer):
    found = find_places("Ворожий дрон атакував село Липці.", "uk", gazetteer)
    assert [(r.mention.text, r.place.name) for r in found] == [("Липці", "Lyptsi")]


@pytest.mark.parametrize("cyrillic, latin", [
    ("Згорани", "zghorany"), ("Єнакієве", "yenakiieve"), ("Знам'янка", "znamianka"),
    ("Юрій", "yurii"), ("Біла Церква", "bila tserkva"), ("Щербухи", "shcherbukhy")])
def test_ukrainian_romanisation_is_the_official_2010_one(cyrillic, latin):
    # The examples of Cabinet of Ministers resolution No. 55 (2010).
    assert transliterate(cyrillic.lower(), "uk") == latin


def test_a_list_of_oblast_adjectives_is_each_its_region(gazetteer):
    found = _places("Сбиты 28 беспилотников над Курской, Брянской и Смоленской областями.",
                    "ru", gazetteer)
    assert found == [("Курской", "Kursk Oblast", "region"),
                     ("Брянской", "Bryansk Oblast", "region"),
                     ("Смоленской", "Smolensk Oblast", "region")]


def test_a_possessive_town_name_and_a_town_in_sk_keep_their_declension(gazetteer):
    found = _places("Тривають бої біля Часового Яру та Покровська.", "uk", gazetteer)
    assert [(text, name) for text, name, _f in found] == [
        ("Часового Яру", "Chasiv Yar"), ("Покровська", "Pokrovsk")]
    assert {p.country_code for p in [r.place for r in find_places(
        "Тривають бої біля Часового Яру та Покровська.", "uk", gazetteer)]} == {"UA"}


def test_a_village_is_looked_for_in_the_region_of_the_unit_named_after_it(gazetteer):
    found = find_places("Ворог атакував село Грушівка Марганецької громади.", "uk", gazetteer)
    assert [(r.place.name, r.place.admin1_code) for r in found] == [("Hrushivka", "UA.04")]
    # A village the gazetteer lacks in that region is placed at the unit's town.
    found = find_places("В селе Журавлевка Белгородского района ранены двое.", "ru", gazetteer)
    assert [(r.mention.text, r.place.name, r.reason) for r in found] == [
        ("Журавлевка", "Belgorod", "cyrillic unit")]


def test_a_persons_first_name_and_surname_are_no_place(gazetteer):
    assert _places("Про це повідомив речник Олександр Мирний.", "uk", gazetteer) == []


def test_a_common_word_opening_a_sentence_is_no_place_but_a_big_town_is(gazetteer):
    assert _places("Свобода слова під загрозою, вважають журналісти.", "uk", gazetteer) == []
    assert _places("Мост через реку закрыли на ремонт.", "ru", gazetteer) == []
    assert _places("Харків зазнав нового удару.", "uk", gazetteer) == [
        ("Харків", "Kharkiv", "city")]


def test_a_name_in_quotes_is_a_thing_not_a_place(gazetteer):
    # Unquoted, "Краб" (the howitzer) is read as Krabi, Thailand.
    assert _places("Самохідна гаубиця «Краб» била по ворогу біля Сум.", "uk", gazetteer) == [
        ("Сум", "Sumy", "city")]


# --- dates and figures ------------------------------------------------------------------------

def test_relative_days_weekdays_and_nights_are_dated_from_publication():
    text = ("Вчора ворог бив по місту, у неділю — по селах, а в ніч на 19 листопада "
            "атакував дронами; 17 листопада було тихо.")
    assert [(d.text, d.date.isoformat()) for d in find_dates(text, "uk", DAY)] == [
        ("Вчора", "2024-11-18"), ("у неділю", "2024-11-17"),
        ("в ніч на 19 листопада", "2024-11-19"), ("17 листопада", "2024-11-17")]


def test_russian_weekday_counts_back_to_the_last_such_day():
    assert [d.date for d in find_dates("В субботу беспилотники атаковали город.", "ru", DAY)] \
        == [dt.date(2024, 11, 16)]


def test_figures_in_words_go_to_the_nearest_casualty_word():
    killed, injured = find_casualties("Унаслідок удару двоє загиблих, п'ятеро поранених.",
                                      "uk")
    assert [f.low for f in killed] == [2] and [f.low for f in injured] == [5]
    killed, injured = find_casualties("Погибли четыре человека, еще семеро ранены.", "ru")
    assert [f.low for f in killed] == [4] and [f.low for f in injured] == [7]


def test_a_toll_that_rose_from_one_count_to_another_is_the_new_count():
    killed, _ = find_casualties("Кількість загиблих у місті зросла з 12 до 19.", "uk")
    assert [f.low for f in killed] == [19]


def test_an_age_and_a_distance_are_no_casualty_count():
    killed, _ = find_casualties("За 15 кілометрів від кордону загинула 72-річна жінка.", "uk")
    assert [f.low for f in killed] == [1]


def test_detained_people_are_no_casualties():
    _, injured = find_casualties("Задержаны 45 участников акции, пострадали 6 сотрудников "
                                 "полиции.", "ru")
    assert [f.low for f in injured] == [6]


# --- reports ----------------------------------------------------------------------------------

def test_ukrainian_strike_report_has_place_day_type_actor_and_toll():
    report, = _reports("Вчора окупанти обстріляли з артилерії Херсон, загинули троє людей.")
    assert (report.place.name, report.mention_text) == ("Kherson", "Херсон")
    assert report.date == dt.date(2024, 11, 18) and report.time_precision == 1
    assert report.sub_event_type == "Shelling/artillery/missile attack"
    assert report.actor1 == "Military Forces of Russia (2000-)"
    assert [f.low for f in report.killed] == [3]


def test_russian_copy_names_ukrainian_forces_as_acled_does():
    report, = _reports("В понедельник ВСУ атаковали беспилотником Белгород, погиб мужчина.")
    assert report.actor1 == "Military Forces of Ukraine (2019-) Air Force"  # an air strike
    assert report.sub_event_type == "Air/drone strike"
    assert [f.low for f in report.killed] == [1]


def test_interception_is_disrupted_weapons_use_by_the_defending_side():
    report, = _reports("У ніч на вівторок сили ППО збили 20 ударних дронів над Київщиною.")
    assert (report.event_type, report.sub_event_type) == ("Strategic developments",
                                                          "Disrupted weapons use")
    assert report.actor1 == "Military Forces of Ukraine (2019-)"
    assert report.place.feature == "region" and report.date == DAY


def test_russian_air_defence_destroying_drones_is_an_interception_over_the_region():
    report, = _reports("Средства ПВО уничтожили 12 беспилотников над Брянской областью "
                       "в ночь на субботу.")
    assert report.sub_event_type == "Disrupted weapons use"
    assert report.actor1 == "Military Forces of Russia (2000-)"
    assert (report.place.name, report.date) == ("Bryansk Oblast", dt.date(2024, 11, 16))


def test_destroying_a_depot_is_no_interception():
    assert [r.sub_event_type for r in _reports("Росіяни знищили склад у Херсоні.")] == []


def test_people_in_the_streets_are_a_protest_of_their_country():
    report, = _reports("Тисячі людей вийшли на вулиці Тбілісі у суботу ввечері.")
    assert (report.sub_event_type, report.actor1) == ("Peaceful protest", "Protesters (Georgia)")


def test_one_injured_person_named_by_a_noun_counts_one():
    report, = _reports("На Белгородчине беспилотник ВСУ атаковал автомобиль, пострадал "
                       "водитель.")
    assert report.place.name == "Belgorod Oblast"
    assert [f.low for f in report.injured] == [1] and report.killed == ()


def test_a_day_of_mourning_after_a_strike_dates_it_loosely_to_merge_with_its_report():
    reports = _reports("У середу, 20 листопада, у Сумах оголошено жалобу після ракетного удару, "
                       "внаслідок якого загинули дев'ятеро людей. У вівторок окупанти "
                       "обстріляли Суми ракетами.", published=dt.date(2024, 11, 20))
    assert [(r.date, r.time_precision) for r in reports] == [
        (dt.date(2024, 11, 20), 2), (dt.date(2024, 11, 19), 1)]


def test_the_place_of_an_earlier_event_after_pislia_toho_yak_is_not_the_triggers():
    reports = _reports("Удар по порту стався після того, як дрон влучив у будинок в Одесі.")
    assert [r.place.name for r in reports] == []


def test_rockets_fired_at_a_town_are_a_strike_and_a_statement_issued_is_not():
    report, = _reports("У понеділок угруповання випустило 40 ракет по Хайфі, поранено двох "
                       "людей.")
    assert (report.place.name, [f.low for f in report.injured]) == ("Haifa", [2])
    assert _reports("У понеділок у Харкові випустили заяву про ремонт доріг.") == []


def test_a_launch_site_from_the_territory_of_a_region_is_no_event_place():
    reports = _reports("Ракету, випущену з території Курської області, збили над Сумами.")
    assert [r.place.name for r in reports] == ["Sumy"]


def test_a_russian_toll_that_took_lives_is_killed():
    killed, injured = find_casualties("Удар унес жизни 15 человек, еще 27 пострадали.", "ru")
    assert [f.low for f in killed] == [15] and [f.low for f in injured] == [27]


def test_a_placeless_sentence_continues_only_a_report_of_its_own_kind():
    reports = _reports("Сили ППО збили над Полтавою 12 дронів. У Кремлі заявили, що удари "
                       "наносять лише по військових об'єктах.")
    assert [r.sub_event_type for r in reports] == ["Disrupted weapons use"]


def test_a_town_in_sk_in_the_dative_is_the_town_not_an_adjective():
    report, = _reports("На Харківщині внаслідок ворожого удару по Куп'янську поранено трьох "
                       "цивільних.")
    assert (report.place.name, [f.low for f in report.injured]) == ("Kupyansk", [3])


def test_a_town_named_in_the_nominative_after_na_is_the_town():
    report, = _reports("Російська авіація скинула дві керовані авіабомби на Краснопілля.")
    assert report.place.feature == "city" and report.sub_event_type == "Air/drone strike"


def test_the_armed_forces_of_a_country_named_by_its_name_are_its_forces():
    report, = _reports("Минувшей ночью вооруженные силы Украины обстреляли Донецк, погибли "
                       "двое мирных жителей.")
    assert report.actor1 == "Military Forces of Ukraine (2019-)"
    assert report.actor2 == "Civilians (Ukraine)" and [f.low for f in report.killed] == [2]


def test_protesters_detained_are_a_protest_with_intervention():
    report, = _reports("В Москве полиция задержала около 20 участников акции памяти.")
    assert (report.place.name, report.sub_event_type) == ("Moscow", "Protest with intervention")


def test_the_nationality_of_intercepted_drones_is_not_the_interceptor():
    report, = _reports("В ночь на вторник над Москвой уничтожены 20 украинских беспилотников.")
    assert (report.place.name, report.sub_event_type) == ("Moscow", "Disrupted weapons use")
    assert report.actor1 == "Military Forces of Russia (2000-)"


def test_a_countrys_army_named_by_the_country_and_a_named_group_are_acleds_actors():
    first, second = _reports("В пятницу Силы быстрого реагирования обстреляли рынок в "
                             "Эль-Фашере. Армия Судана нанесла авиаудар по Омдурману.")
    assert (first.place.name, first.actor1) == ("El Fasher", "Rapid Support Forces")
    assert (second.place.name, second.sub_event_type) == ("Omdurman", "Air/drone strike")
    assert second.actor1.startswith("Military Forces of Sudan")


def test_launch_site_is_never_the_event_place():
    reports = _reports("У понеділок дрони, запущені з району Курська, атакували Суми.")
    assert [r.place.name for r in reports] == ["Sumy"]


def test_cumulative_toll_and_denial_are_no_incident():
    assert _reports("Від початку вторгнення на Харківщині загинули понад дві тисячі "
                    "мирних жителів.") == []
    assert _reports("Міноборони РФ заперечило удар по лікарні в Києві.") == []


def test_a_toll_sentence_after_the_strike_is_its_toll():
    report, = _reports("У суботу окупанти обстріляли Нікополь. Загинули двоє людей.")
    assert [f.low for f in report.killed] == [2]


def test_dateline_place_is_no_event_place():
    reports = _reports("Київ, 19 листопада — Уночі ворожі дрони атакували Одесу.")
    assert [r.place.name for r in reports] == ["Odesa"]


# --- one incident across languages ------------------------------------------------------------

def test_ukrainian_and_english_reports_of_one_strike_merge_into_one_incident(gazetteer):
    english = Article(id="en", outlet="Wire", published=DAY,
                      text="Russian forces shelled Kherson on Monday, killing two civilians, "
                           "the regional governor said.")
    ukrainian = Article(id="uk", outlet="Південна хвиля", published=DAY,
                        text="У понеділок окупанти обстріляли Херсон, загинули двоє мирних "
                             "жителів, повідомив голова обласної військової адміністрації.")
    incidents = extract_incidents([english, ukrainian], gazetteer)
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.location == "Kherson" and incident.event_date == dt.date(2024, 11, 18)
    assert incident.outlets == ("Wire", "Південна хвиля")
    assert incident.fatalities == 2
    assert {r.mention_text for r in incident.reports} == {"Kherson", "Херсон"}


def test_export_names_the_place_in_english_keeps_the_articles_words_and_its_language(
        gazetteer):
    article = Article(id="uk2", outlet="Тест", published=DAY,
                      text="Уночі ворожі дрони атакували Одесу, п'ятеро людей поранені.")
    result = run_pipeline([article], gazetteer=gazetteer)
    assert list(result.mentions["text"]) == ["Одесу"]
    assert list(result.mentions["name"]) == ["Odesa"]
    row = pd.read_csv(io.StringIO(incidents_csv(result.incidents))).iloc[0]
    assert (row["location"], row["language"], row["injuries"]) == ("Odesa", "uk", 5)
    assert "Одесу" in row["notes"]


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_language_file_says_where_its_words_come_from_and_both_have_the_same_files(lang):
    folder = Path(geo.lang.__file__).parent
    names = sorted(p.name for p in (folder / lang).glob("*.json"))
    assert names == sorted(p.name for p in (folder / "uk").glob("*.json"))
    for name in names:
        data = json.loads((folder / lang / name).read_text(encoding="utf-8"))
        assert len(data.get("source", "")) > 40, f"{lang}/{name} has no source line"


def test_a_ukrainian_article_ingested_into_the_store_is_an_incident_with_its_mentions(
        tmp_path, gazetteer):
    store = Store(tmp_path / "news.sqlite")
    text = "Вчора ворожі дрони атакували Суми, поранено чотирьох людей."
    report = ingest(store, [("sumy.txt", text.encode())], gazetteer,
                    defaults=Defaults(published=DAY, outlet="Тест"))
    assert report.added == ["sumy"] and report.notes == []
    result = result_from_store(store, gazetteer=gazetteer)
    incident = result.incidents.iloc[0]
    assert (incident["location"], incident["sub_event_type"]) == ("Sumy", "Air/drone strike")
    assert str(incident["event_date"])[:10] == "2024-11-18"
    assert list(result.mentions["text"]) == ["Суми"]
