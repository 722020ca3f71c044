"""Metadata read from plain-text page dumps (analysis.provenance.pagemeta), on synthetic pages."""

from __future__ import annotations

import dataclasses

import pytest

from analysis.provenance.pagemeta import (
    AFTER,
    BEFORE,
    Gap,
    Meta,
    find_authors,
    find_dateline,
    find_published,
    find_title,
    read_page,
    rules,
)

LEAD = (
    "The government said on Thursday that the new line would carry freight between the two "
    "countries from next month, and passenger trains would follow later in the year.\n\n"
    "Officials expect the route to cut travel times by a third, according to the statement "
    "published by the ministry of transport on its website.\n"
)

NYT = (
    "Skip to main content\nToggle navigation\nHome\nWorld\nU.S.\nPolitics\n\n"
    "United States to Lift Sudan Sanctions\n\n"
    "By JEFFREY GETTLEMAN JAN. 13, 2017\n\n"
    "NAIROBI, Kenya — The United States will lift sanctions on Sudan, officials said on Friday, "
    "ending two decades of an embargo that has cut the country off from much of the world.\n\n"
    + LEAD
)

ASTANA = (
    "Toggle navigation\nHome\nNation\nBusiness\nOpinion\nView All Japan\nRecent Activities\n\n"
    "Kazakhstan and China Open a New Rail Link\n\n"
    "By Aigerim Seitkali\n\n"
    "ASTANA, 14 March 2024 – " + LEAD + "\nShare\nTweet\n\n© 2024 The Astana Times\n"
)


def value(found: Meta | Gap) -> object:
    assert isinstance(found, Meta), found
    return found.value


def evidence(text: str, found: Meta | Gap) -> str:
    assert isinstance(found, Meta), found
    return text[found.start : found.end]


def page(header: str, body: str = LEAD) -> str:
    return "Skip to content\nMenu\nNews\nSport\n\n" + header + "\n\n" + body


# --- the two pages of the issue ----------------------------------------------------------------


def test_nyt_style_page() -> None:
    assert value(find_title(NYT)) == "United States to Lift Sudan Sanctions"
    assert value(find_authors(NYT)) == ("JEFFREY GETTLEMAN",)
    assert value(find_published(NYT)) == "2017-01-13"
    assert value(find_dateline(NYT)) == "NAIROBI"


def test_astana_times_page() -> None:
    meta = read_page(ASTANA)
    assert value(meta["title"]) == "Kazakhstan and China Open a New Rail Link"
    assert value(meta["authors"]) == ("Aigerim Seitkali",)
    assert value(meta["published"]) == "2024-03-14"
    assert isinstance(meta["published"], Meta)
    assert meta["published"].method == "dateline date"
    assert value(meta["dateline"]) == "ASTANA"


def test_evidence_ranges_point_at_the_values() -> None:
    meta = read_page(ASTANA)
    assert evidence(ASTANA, meta["title"]) == "Kazakhstan and China Open a New Rail Link"
    assert evidence(ASTANA, meta["authors"]) == "Aigerim Seitkali"
    assert evidence(ASTANA, meta["published"]) == "14 March 2024"
    assert evidence(ASTANA, meta["dateline"]) == "ASTANA"
    assert evidence(NYT, find_published(NYT)) == "JAN. 13, 2017"


def test_given_body_start_gives_the_same_header() -> None:
    start = NYT.index("NAIROBI")
    assert read_page(NYT, start) == read_page(NYT)


def test_results_are_frozen_and_deterministic() -> None:
    found = find_authors(ASTANA)
    assert isinstance(found, Meta)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.value = ("x",)  # type: ignore[misc]
    assert hash(found) == hash(find_authors(ASTANA))
    assert rules() is rules()


# --- titles ------------------------------------------------------------------------------------


def test_title_is_never_a_navigation_item() -> None:
    text = "Skip to main content\nToggle navigation\nSign in\nSubscribe\n\n" + LEAD
    assert isinstance(find_title(text), Gap)


def test_title_repeated_in_a_page_title_line() -> None:
    text = (
        "Nomad Herders Return to the Steppe | The Daily Steppe\nHome\nWorld\nBusiness\n"
        "Nomad Herders Return to the Steppe\nSubscribe to our newsletter\n\n" + LEAD
    )
    found = find_title(text)
    assert value(found) == "Nomad Herders Return to the Steppe"
    assert isinstance(found, Meta) and found.method == "headline line repeated in the page head"


def test_title_prefers_the_headline_over_a_section_label_and_deck() -> None:
    text = page(
        "Economy\nTenge Falls to a Record Low Against the Dollar\n"
        "The central bank said it would not intervene.\nBy Jane Roe\nMarch 3, 2024"
    )
    assert value(find_title(text)) == "Tenge Falls to a Record Low Against the Dollar"


def test_title_is_not_an_item_of_a_dated_link_list() -> None:
    related = "".join(
        f"Related headline number {n} about the markets\nMarch {n}, 2024\n" for n in range(1, 5)
    )
    text = page(related + "\nBanks Raise Rates Again\nBy John Doe\nMarch 9, 2024")
    assert value(find_title(text)) == "Banks Raise Rates Again"
    assert value(find_published(text)) == "2024-03-09"


# --- authors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Roe", ("Jane Roe",)),
        ("By Jane Roe and John Doe", ("Jane Roe", "John Doe")),
        ("By Jane Roe, John Doe and Max Mustermann", ("Jane Roe", "John Doe", "Max Mustermann")),
        ("by Jane Roe | March 3, 2024", ("Jane Roe",)),
        ("// By Jane Roe • Mar 3, 2024", ("Jane Roe",)),
        ("By Jane Roe, Senior Correspondent", ("Jane Roe",)),
        ("Written by Jane Roe", ("Jane Roe",)),
        ("Posted by Nelson D. Schwartz on March 3, 2024", ("Nelson D. Schwartz",)),
        ("Author: Jan de Jong", ("Jan de Jong",)),
        ("Автор: Иван Петров", ("Иван Петров",)),
        ("Par Jean Dupont et Marie Curie", ("Jean Dupont", "Marie Curie")),
        ("Jane Roe, Reuters", ("Jane Roe",)),
        ("Jane Roe | The Steppe Post\nMarch 3, 2024", ("Jane Roe",)),
        ("Jane Roe\nMarch 3, 2024 10:15 am", ("Jane Roe",)),
        ("Jane Roe • 8h", ("Jane Roe",)),
    ],
)
def test_byline_forms(byline: str, names: tuple[str, ...]) -> None:
    text = page("Parliament Passes the New Budget Law\n" + byline)
    assert value(find_authors(text)) == names


def test_name_line_under_the_headline() -> None:
    text = page("Parliament Passes the New Budget Law\nAinur Kurmanov.\n19.11.2022 00:19")
    assert value(find_authors(text)) == ("Ainur Kurmanov",)


@pytest.mark.parametrize(
    "header",
    [
        "View All Japan\nRecent Activities\nParliament Passes the New Budget Law",
        "Parliament Passes the New Budget Law\nShare This Story\nMost Popular",
        "Parliament Passes the New Budget Law\nPhoto by Jane Roe/Getty Images",
        "Parliament Passes the New Budget Law\nBy the time the vote came, few were left",
    ],
)
def test_interface_words_and_credits_are_not_authors(header: str) -> None:
    found = find_authors(page(header))
    assert isinstance(found, Gap)
    assert found.reason == "no byline near the headline"


def test_byline_far_from_the_header_is_ignored() -> None:
    text = "By Jane Roe\n" + "Menu item\n" * (BEFORE // 10 + 10) + page("Budget Law Passes")
    assert isinstance(find_authors(text), Gap)


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published 14 March 2024", "2024-03-14"),
        ("March 14, 2024", "2024-03-14"),
        ("Jan. 13, 2017", "2017-01-13"),
        ("3/14/2024", "2024-03-14"),
        ("03/04/2024", "2024-03-04"),
        ("14/03/2024", "2024-03-14"),
        ("14.03.2024 12:49", "2024-03-14T12:49:00"),
        ("2024-03-14", "2024-03-14"),
        ("2024-03-14T12:49:05+06:00", "2024-03-14T12:49:05+06:00"),
        ("March 14, 2024 11:00 PM EST", "2024-03-14T23:00:00-05:00"),
        ("Thu 14 Mar 2024 02.00 GMT", "2024-03-14T02:00:00+00:00"),
        ("19.11.2022 00:19\n(Moscow time), Almaty", "2022-11-19T00:19:00+03:00"),
        ("14 марта 2024", "2024-03-14"),
        ("Publié le 14 mars 2024 à 13h36", "2024-03-14T13:36:00"),
        ("2024年3月14日", "2024-03-14"),
    ],
)
def test_date_forms(line: str, iso: str) -> None:
    text = page("Parliament Passes the New Budget Law\n" + line)
    assert value(find_published(text)) == iso


def test_published_wins_over_updated() -> None:
    text = page(
        "Parliament Passes the New Budget Law\nUpdated 16 March 2024\nPublished 14 March 2024"
    )
    assert value(find_published(text)) == "2024-03-14"
    text = page(
        "Parliament Passes the New Budget Law\n"
        "April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm"
    )
    assert value(find_published(text)) == "2019-04-28T06:01:00"


def test_update_date_alone_is_not_the_publication_date() -> None:
    text = page("Parliament Passes the New Budget Law\nLast updated: 16 March 2024")
    found = find_published(text)
    assert isinstance(found, Gap)
    assert found.reason.startswith("only an update date")


@pytest.mark.parametrize(
    "header",
    [
        "Latest update 15.03.2024 09:00\nParliament Passes the New Budget Law",
        "Parliament Passes the New Budget Law\nJane Roe\n2 hours ago",
        "© 2024 The Steppe Post. All rights reserved.\nParliament Passes the New Budget Law",
        "Parliament Passes the New Budget Law\nBy Jane Roe",
    ],
)
def test_site_clocks_copyright_and_relative_dates_are_not_dates(header: str) -> None:
    found = find_published(page(header))
    assert isinstance(found, Gap)
    assert found.reason == "no date in the article header"


def test_comment_and_related_dates_after_the_body_are_ignored() -> None:
    body = LEAD + "\nComments\nAsel says:\nMarch 20, 2024 at 9:00 am\nGreat article.\n"
    text = page("Parliament Passes the New Budget Law\nBy Jane Roe", body)
    assert isinstance(find_published(text), Gap)


def test_impossible_dates_are_not_read() -> None:
    text = page("Parliament Passes the New Budget Law\n31.02.2024")
    assert isinstance(find_published(text), Gap)


# --- datelines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("ASTANA, 14 March 2024 – The", "ASTANA"),
        ("ALMATY (Reuters) – The", "ALMATY"),
        ("MOSCOW, March 3 (Reuters) - The", "MOSCOW"),
        ("NUR-SULTAN — The", "NUR-SULTAN"),
        ("Astana. Kazinform - The", "Astana"),
    ],
)
def test_dateline_forms(opening: str, place: str) -> None:
    text = page("Parliament Passes the New Budget Law", opening + " " + LEAD)
    assert value(find_dateline(text)) == place


def test_no_dateline_in_ordinary_prose_or_labels() -> None:
    assert isinstance(find_dateline(page("Budget Law Passes")), Gap)
    text = page("Parliament Passes the New Budget Law", "UPDATE — The " + LEAD)
    assert isinstance(find_dateline(text), Gap)


# --- the window --------------------------------------------------------------------------------


def test_only_a_window_around_the_body_start_is_read() -> None:
    far = "\n".join(["Old Headline About Something Else", "By Jane Roe", "March 1, 2020"])
    filler = "\n".join(f"Link {n}" for n in range(AFTER))
    text = NYT + filler + "\n" + far + "\n" + LEAD
    meta = read_page(text)
    assert value(meta["title"]) == "United States to Lift Sudan Sanctions"
    assert value(meta["authors"]) == ("JEFFREY GETTLEMAN",)
    assert value(meta["published"]) == "2017-01-13"


def test_empty_and_headerless_pages() -> None:
    assert all(isinstance(v, Gap) for v in read_page("").values())
    assert all(isinstance(v, Gap) for v in read_page(LEAD).values())


def test_headline_shares_words_with_the_lead_and_beats_section_names() -> None:
    page = (
        "Home\nWorld\nAlso in the news\nRegional Politics And Public Affairs\n\n"
        "Rail Link Between Kazakhstan and China Opens to Freight\n\n"
        "Kazakhstan and China opened a rail link for freight on Thursday, the transport ministry "
        "said, adding that the line would cut travel times between the two countries by a third.\n"
        + LEAD
    )
    body = page.index("Kazakhstan and China opened")
    title = find_title(page, body)
    assert isinstance(title, Meta)
    assert title.value == "Rail Link Between Kazakhstan and China Opens to Freight"


def test_headline_below_a_body_start_on_furniture() -> None:
    page = (
        "Menu\n\ue095\n\ue093\nSearch the site\n\n"
        "How to Plant a Spring Vegetable Garden\n\nBy Gina Porter\nLast updated March 14, 2016\n\n"
        "A spring vegetable garden needs a sunny spot, loose soil and a plan for what to plant "
        "first, because peas and lettuce like the cool weeks that tomatoes cannot stand at all.\n"
        + LEAD
    )
    found = read_page(page, page.index("\ue095"))
    assert found["title"].value == "How to Plant a Spring Vegetable Garden"  # type: ignore[union-attr]
    assert found["authors"].value == ("Gina Porter",)  # type: ignore[union-attr]


def test_lower_case_tag_lines_and_domains_are_not_headlines() -> None:
    page = (
        "examplenews.com.au\n\nfreight rail kazakhstan china transport\n\n"
        "Freight Trains Start Running on the New China Line\n\n"
        "Freight trains started running on the new line to China on Thursday, the operator said, "
        "and the first train carried grain and machinery across the border.\n" + LEAD
    )
    title = find_title(page, page.index("Freight trains started"))
    assert title.value == "Freight Trains Start Running on the New China Line"  # type: ignore[union-attr]


def test_a_name_line_opening_the_body_above_a_relative_time_is_the_byline() -> None:
    page = (
        "Sport\n\nWest Ham Keep Winning Away From Home\n\nJana Novakova\n2 hours ago\n\n"
        "West Ham won again on Sunday, their fifth straight win, and moved up to fourth place "
        "in the league table after a goal in the last minute of the game.\n" + LEAD
    )
    authors = find_authors(page, page.index("Jana Novakova"))
    assert authors.value == ("Jana Novakova",)  # type: ignore[union-attr]


def test_co_authors_in_brackets_and_glued_bylines() -> None:
    page = (
        "News\n\nPipeline Talks Resume in Baku\n\n"
        "Par Jean Dupont (avec Marie Curie et Paul Martin) | 04.05.2015\n\n" + LEAD
    )
    authors = find_authors(page)
    assert authors.value == ("Jean Dupont", "Marie Curie", "Paul Martin")  # type: ignore[union-attr]
    garbled = "News\n\nPipeline Talks Resume in Baku\n\nBy Jean Dupont22 Dec 2016\n\n" + LEAD
    assert isinstance(find_authors(garbled), Gap)


def test_a_quote_introduction_after_the_body_start_is_not_a_headline() -> None:
    page = (
        "An analyst said in his channel that activity had increased in recent weeks.\n"
        "Here is what the analyst wrote (edited):\n" + LEAD
    )
    assert isinstance(find_title(page, 0), Gap)


# --- forms met on news pages of many outlets (fundus's test pages) ----------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        "Tausende haben am Montag demonstriert. - Copyright Shakh Aivazov/Copyright 2024 The AP",
        "Rep. Jane Roe, left, talks with Rep. John Doe at the Statehouse (AP Photo/Jim Poe)",
        "Should she win, she will succeed him. | Niall Carson/PA Images via Getty Images",
        "Samsung hat Probleme vor Gericht. (Bild: Tobias Költzsch/Golem.de)",
        "Don't want to see this? Remove ads",
        "Amy Gibbons Political Correspondent",
    ],
)
def test_credits_paywall_prompts_and_job_titles_are_never_the_headline(furniture):
    text = page("Kazakhstan and China Open a New Rail Link\n\n" + furniture + "\n14 March 2024")
    assert value(find_title(text)) == "Kazakhstan and China Open a New Rail Link"


def assert_headline_over_standfirst(header: str, headline: str) -> None:
    found = find_title(page(header))
    assert value(found) == headline
    assert isinstance(found, Meta) and found.method == "headline line above its standfirst"


def test_the_headline_above_its_standfirst_wins():
    header = (
        "A Heat Shield for the Most Important Ice on Earth\n\n"
        "Engineers might be able to protect Arctic ice by coating it with tiny glass bubbles. "
        "Should they?\n\nBy Rachel Riederer\n\nApril 25, 2023"
    )
    assert_headline_over_standfirst(header, "A Heat Shield for the Most Important Ice on Earth")
    # a byline between them changes nothing
    header = (
        '"Laziale ebreo" e due svastiche: striscione antisemita sulla tangenziale\n\n'
        "di Luca Monaco\n\n"
        "Il messaggio apparso su un cavalcavia nella notte tra sabato e domenica, a poche ore "
        "dalla sfida tra Roma e Lazio\n\n05 Gennaio 2025"
    )
    title = value(find_title(page(header)))
    assert title == '"Laziale ebreo" e due svastiche: striscione antisemita sulla tangenziale'
    assert value(find_authors(page(header))) == ("Luca Monaco",)


def test_a_line_repeated_in_place_is_no_title_bar():
    header = (
        "Ask an Advisor\nAsk an Advisor\n\n"
        "Freight line between the two countries will open next month\n\n"
        "Published Fri, Apr 28 2023 2:23 PM EDT\nGreg Iacurci @GregIacurci"
    )
    text = page(header)
    title = "Freight line between the two countries will open next month"
    assert value(find_title(text)) == title
    assert value(find_authors(text)) == ("Greg Iacurci",)
    assert value(find_published(text)) == "2023-04-28T14:23:00-04:00"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Ulrich Exner Korrespondent", ("Ulrich Exner",)),
        ("Sophie Foster Travel News Reporter", ("Sophie Foster",)),
        ("Kommentar von Nicole Opitz", ("Nicole Opitz",)),
        ("Julia Vergin | Clare Roth", ("Julia Vergin", "Clare Roth")),
        (
            "By Samya Kullab and Vasilisa Stepanenko The Associated Press",
            ("Samya Kullab", "Vasilisa Stepanenko"),
        ),
    ],
)
def test_bylines_with_job_titles_columns_and_agencies(byline, names):
    text = page("Kazakhstan and China Open a New Rail Link\n\n" + byline + "\n14 March 2024")
    assert value(find_authors(text)) == names


def test_a_picture_credit_is_no_byline():
    header = (
        "Kazakhstan and China Open a New Rail Link\n\n14 March 2024\n\n"
        "The new terminal in Khorgos. Picture by Yusof Mat Isa\nFoto:\nAndrew Harnik / AP"
    )
    assert isinstance(find_authors(page(header)), Gap)


@pytest.mark.parametrize(
    ("stamp", "iso"),
    [
        ("Publicado 02/12/2024 20:56", "2024-12-02T20:56:00"),  # a Spanish page: day first
        ("Posted 02/12/2024 8:56 pm by the editor of the site", "2024-02-12T20:56:00"),
        ("Offentliggjort torsdag 06. feb 2025 17:25", "2025-02-06T17:25:00"),
    ],
)
def test_slash_dates_follow_the_page_and_labels_in_more_languages(stamp, iso):
    spanish = (
        "El gobierno dijo el jueves que la nueva línea de tren llevará carga entre los dos "
        "países a partir del próximo mes.\n"
    )
    body = LEAD if stamp.startswith("Posted") else spanish
    text = page("Kazakhstan and China Open a New Rail Link\n\n" + stamp, body)
    assert value(find_published(text)) == iso


def test_a_published_date_a_few_lines_into_the_body_still_counts():
    header = (
        "India fires missiles into Pakistani-controlled territory\n\n"
        "The Associated Press\n\nShare this Story\nCopy Link\nEmail\nPublished May 07, 2025"
    )
    assert value(find_published(page(header))) == "2025-05-07"


@pytest.mark.parametrize(
    "ui", ["in Pocket speichern", "Hai salvato un nuovo articolo", "Partager cet article"]
)
def test_interface_lines_in_other_languages_are_navigation(ui):
    header = "Kazakhstan and China Open a New Rail Link\n\n" + ui + "\n\nBy Aigerim Seitkali"
    assert value(find_title(page(header))) == "Kazakhstan and China Open a New Rail Link"


def test_a_headline_with_a_job_word_is_no_byline():
    header = "Elon Musk Sues Reporter Over Story\n\nBy Jane Roe\n14 March 2024"
    text = page(header)
    assert value(find_title(text)) == "Elon Musk Sues Reporter Over Story"
    assert value(find_authors(text)) == ("Jane Roe",)


def test_a_word_ending_like_a_credit_does_not_make_the_next_line_a_credit():
    # "Bolivia" ends in "via", "Olivia" too: only a line that is a credit label ("Foto:") is one
    header = (
        "Fuel protests spread across Bolivia as prices climb\nFuel protests in Bolivia\n"
        "Jane Roe, Reuters\n14 March 2024"
    )
    assert value(find_authors(page(header))) == ("Jane Roe",)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Aashish Saxena / TIMESOFINDIA.COM / Sep 2, 2024, 17:07 IST", ("Aashish Saxena",)),
        (
            "9. September 2025 um 15:46 Uhr / Frank Wunderlich-Pfeiffer",
            ("Frank Wunderlich-Pfeiffer",),
        ),
        ("27. Januar 2026 • Gregor Meier • 3 Minuten", ("Gregor Meier",)),
        ("Tobias Mühlbauer 24.04.2024, 19:35 Uhr", ("Tobias Mühlbauer",)),
    ],
)
def test_names_on_the_date_line_in_any_order(line, names):
    text = page("Kazakhstan and China Open a New Rail Link\n\n" + line)
    found = find_authors(text)
    assert value(found) == names
    assert evidence(text, found) == names[0]
    assert value(find_published(text)) is not None


def test_a_date_line_with_other_words_names_nobody():
    text = page("Kazakhstan and China Open a New Rail Link\n\nElection 2024 • Results by county")
    assert isinstance(find_authors(text), Gap)


#: A standfirst and a five-point summary box between the headline and the byline block.
SUMMARY_BOX = (
    "Kazakhstan and China Open a New Rail Link\n\n"
    "Officials say the new railway will cut travel times between the countries by a third.\n"
    + "\n".join(
        f"In short, point {k}: the line links the two countries and carries freight soon."
        for k in range(1, 6)
    )
)


def test_a_byline_block_below_a_summary_box_dates_the_article():
    header = SUMMARY_BOX + "\n\nJane Roe\n30. Juni 2025,\n15:59 Uhr"
    found = read_page(page(header))
    assert value(found["authors"]) == ("Jane Roe",)
    assert found["authors"].method == "name line next to the date below the lead"
    assert value(found["published"]) == "2025-06-30T15:59:00"
    # a caption's name above its picture credit is nobody's byline
    captioned = header.replace("Jane Roe\n", "Jane Roe\nFoto: Reuters/John Doe\n")
    assert isinstance(read_page(page(captioned))["authors"], Gap)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Jane H. Roe 12.03.2024, 14:05 Uhr", ("Jane H. Roe",)),
        ("Jane Roe / 4 Min. Lesezeit / 12.03.2024", ("Jane Roe",)),
        ("Jane Roe • 4 min. read • Mar 12, 2024", ("Jane Roe",)),
    ],
)
def test_initials_and_reading_times_on_a_dated_byline(line, names):
    assert (
        value(find_authors(page("Kazakhstan and China Open a New Rail Link\n\n" + line))) == names
    )


def test_a_headline_in_guillemets_is_a_headline():
    text = page("«Мы откроем новую линию» — заявил министр транспорта\n\n14 March 2024")
    assert value(find_title(text)) == "«Мы откроем новую линию» — заявил министр транспорта"


def test_a_caption_under_the_date_is_no_byline():
    header = (
        SUMMARY_BOX
        + "\n\nPublikacja: 02.02.2025 21:52\n\nFriedrich Merz\n\nFoto: REUTERS/Nadja Wohlleben"
    )
    found = read_page(page(header))
    assert isinstance(found["authors"], Gap)
    assert value(found["published"]) == "2025-02-02T21:52:00"
    # a caption above the date, its credit below it
    above = header.replace(
        "Publikacja: 02.02.2025 21:52\n\nFriedrich Merz",
        "Friedrich Merz\n\nPublikacja: 02.02.2025 21:52",
    )
    assert isinstance(read_page(page(above))["authors"], Gap)
    # without the picture credit the name under the date is the byline
    bare = header.replace("\n\nFoto: REUTERS/Nadja Wohlleben", "")
    assert value(read_page(page(bare))["authors"]) == ("Friedrich Merz",)


def test_update_dates_in_compound_labels_are_not_publication_dates():
    text = page(
        "Kazakhstan and China Open a New Rail Link\n\nÄnderungsdatum: 16.03.2024\n"
        "Data publikacji: 14.03.2024"
    )
    assert value(find_published(text)) == "2024-03-14"


def test_short_years_beside_a_clock_and_more_labels():
    text = page("Kazakhstan and China Open a New Rail Link\n\nPublisert: 05.08.24 kl. 14:47")
    assert value(find_published(text)) == "2024-08-05T14:47:00"
    version = page("Kazakhstan and China Open a New Rail Link\n\nVersion 1.2.24 released")
    assert isinstance(find_published(version), Gap)
    label = page("Kazakhstan and China Open a New Rail Link\n\nAuthor of the article:\nJane Roe")
    assert value(find_authors(label)) == ("Jane Roe",)
    comment = page("Kazakhstan and China Open a New Rail Link\n\nKommentar von\nJane Roe")
    assert value(find_authors(comment)) == ("Jane Roe",)


def test_a_standfirst_without_a_full_stop_as_long_as_its_headline():
    header = (
        "Strong tornadoes possible in severe storm outbreak in central states\n"
        "Strong tornadoes are possible across the central states both Friday and Saturday\n"
        "By Matthew Cappucci\nApril 26, 2024 at 11:24 a.m. EDT"
    )
    headline = "Strong tornadoes possible in severe storm outbreak in central states"
    assert_headline_over_standfirst(header, headline)
    # a line much shorter than the one above it is the headline itself, not its standfirst
    teaser = (
        "Storm chasers gather in Oklahoma as forecasters warn of a dangerous weekend ahead\n"
        "Tornadoes possible on both days this weekend\n"
        "By Matthew Cappucci\nApril 26, 2024 at 11:24 a.m. EDT"
    )
    assert value(find_title(page(teaser))) == "Tornadoes possible on both days this weekend"
    # ten words or more but under STANDFIRST_LENGTH of the line above: the headline itself
    longer = teaser.replace(
        "Tornadoes possible on both days this weekend",
        "Tornadoes are possible in four states on both days this weekend",
    )
    assert value(find_title(page(longer))) == (
        "Tornadoes are possible in four states on both days this weekend"
    )


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Author of the article:\nThe Associated Press", ("The Associated Press",)),
        ("Von dpa 30.04.2024, 18:58", ("dpa",)),
        ("By AP reporters in Kyiv", None),
        (
            "Yasmine Hassan · CBC News · Posted: Aug 08, 2024 4:00 AM EDT | Last Updated: August 8",
            ("Yasmine Hassan",),
        ),
    ],
)
def test_a_news_agency_as_the_whole_byline(byline, names):
    found = find_authors(page("Kazakhstan and China Open a New Rail Link\n\n" + byline))
    if names is None:
        assert isinstance(found, Gap)
    else:
        assert value(found) == names


@pytest.mark.parametrize(
    "links",
    [
        "Movies | Restaurants | Today's events | Contact us",
        "« PCO Training | Main | Saluting Gary Nelson »",
    ],
)
def test_a_row_of_links_is_no_headline(links):
    text = "Home\n\nTaiwan vote may boost ties with China\n\n" + links + "\n\n" + LEAD
    assert value(find_title(text, text.index("The government"))) == (
        "Taiwan vote may boost ties with China"
    )


#: An article longer than the header window (``AFTER``), so that only the foot reader sees what
#: follows it.
FOOT_ARTICLE = "Home\nPolitik\n\nEin bisschen Fortschritt beim neuen Gesetz\n\n" + "".join(
    f"Im {n}. Absatz steht, dass die Ministerien sich auf einen gemeinsamen Entwurf zum neuen "
    "Gesetz geeinigt haben und die Betroffenen nun auf eine schnelle Beratung hoffen, obwohl "
    "das alte Gesetz seit Jahrzehnten als diskriminierend gilt.\n\n"
    for n in range(1, 11)
)


def _foot_page(foot: str) -> tuple[str, int, int]:
    start = FOOT_ARTICLE.index("Im 1.")
    assert len(FOOT_ARTICLE) - start > AFTER
    return FOOT_ARTICLE + foot, start, len(FOOT_ARTICLE.rstrip())


@pytest.mark.parametrize(
    ("foot", "author", "date"),
    [
        # Taz: section words, the date, then "Kommentar von" over the name
        (
            "Politik\nDeutschland\n28. 4. 2023, 18:41 Uhr\nKommentar von\nJane Roe\nRedakteurin\n",
            "Jane Roe",
            "2023-04-28T18:41:00",
        ),
        # DW: labelled date and "Autorin/Autor" after a list of recommended articles
        (
            "Die Redaktion empfiehlt\nReparatur-Hub für Panzer in Polen eröffnet\n"
            "Datum 28.04.2023\nAutorin/Autor Jane Roe\nThemenseiten Ukraine, Russland\n",
            "Jane Roe",
            "2023-04-28",
        ),
        # a blog post's footer line
        (
            "Posted by Jane Roe and John Doe on 11/22/2012 12:05:00 AM\n0 Comments:\n",
            "Jane Roe, John Doe",
            "2012-11-22T00:05:00",
        ),
    ],
)
def test_byline_and_date_after_the_article_when_the_header_has_none(foot, author, date):
    text, start, end = _foot_page(foot)
    found = read_page(text, start, end)
    assert ", ".join(found["authors"].value) == author
    assert found["authors"].method.endswith("after the article")
    assert found["published"].value == date
    # without the body's end, nothing below the article is read
    assert isinstance(read_page(text, start)["authors"], Gap)


@pytest.mark.parametrize(
    "foot",
    [
        # reader comments: the first comment's head is no byline of the article
        "38 Responses to “Ein bisschen Fortschritt”\nJane Roe says:\nOctober 15, 2012 at 6:24 am\n",
        "{ 2 comments… read them below or add one }\nJane Roe August 6, 2012 at 8:49 pm\n",
        # related articles with their dates
        "Related Posts\nMarkets Close Higher Again on Friday July 17, 2012\n"
        "New Bridge Opens Next Week April 25, 2012\nCity Budget Passes February 14, 2012\n",
        # a reference with two dates
        ". Madhyamam. 19 July 2023. Retrieved 20 July 2022.\nhide\n",
        # only an update
        "Aktualisiert am 07.01.2026 - 18:50 Uhr\n",
    ],
)
def test_nothing_after_the_article_that_is_not_its_own_foot(foot):
    text, start, end = _foot_page(foot)
    found = read_page(text, start, end)
    assert isinstance(found["authors"], Gap)
    assert isinstance(found["published"], Gap)


def test_the_header_wins_over_the_foot():
    text, start, end = _foot_page("28. 4. 2023, 18:41 Uhr\nKommentar von\nJohn Doe\n")
    header = text.replace("Politik\n\n", "Politik\n\nVon Jane Roe\n3. Mai 2023\n\n", 1)
    shift = len(header) - len(text)
    found = read_page(header, start + shift, end + shift)
    assert found["authors"].value == ("Jane Roe",)
    assert found["published"].value == "2023-05-03"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Tania Broughton\nJournalist", ("Tania Broughton",)),
        ("1 day ago\nShare Save\nDuncan Walker\nBBC", ("Duncan Walker",)),
        ("Marta Cañete\nCorresponsal en Atenas", ("Marta Cañete",)),
    ],
)
def test_a_name_over_its_job_title_or_agency_is_a_byline(byline, names):
    page = f"Home\nNews\n\nCourt Hears Appeal in Pipeline Case\n\n{byline}\n\n{LEAD}"
    found = find_authors(page)
    assert found.value == names
    assert found.method == "name line over a job title or agency"


@pytest.mark.parametrize(
    "lines",
    [
        "Jane Roe\nPipelines",  # a name over a topic: no job title
        "Jane Roe\nMinister of Energy",  # a picture's caption: no journalist's job
        "Jane Roe and John Doe\nReporters in London and Paris for the agency",  # too long a role
    ],
)
def test_a_name_over_anything_else_is_no_byline(lines):
    head = "Home\nNews\n\nCourt Hears Appeal in Pipeline Case\n1 day ago\nShare Save\n"
    page = f"{head}{lines}\n\n{LEAD}"
    assert isinstance(find_authors(page), Gap)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Chus del Pino, Martí Abad (Enviado especial)", ("Chus del Pino", "Martí Abad")),
        ("Jane Roe (Reuters)", ("Jane Roe",)),
        ("Jane Roe (Senior Correspondent)", ("Jane Roe",)),
    ],
)
def test_a_job_or_agency_in_brackets_after_the_names(line, names):
    page = f"Home\nNews\n\nCourt Hears Appeal in Pipeline Case\n{line}\nMarch 3, 2024\n\n{LEAD}"
    assert find_authors(page).value == names
    assert isinstance(find_authors(page.replace(line, "Jane Roe (Video)")), Gap)
