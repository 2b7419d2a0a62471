"""The built-in catalogue's researched facts (checked 2026-12-02): the accounts each
platform offers, Australia's minimum age of 16 from 10 December 2025, Google's
per-country ages for YouTube, the digital ages of consent, and that every fact
written with its own record carries a source and a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from sphinxcontrib_sociallpolicy.guidance import (
    BUILTIN_CATALOGUE,
    PlatformError,
    load_catalogue,
    load_yaml,
)
from sphinxcontrib_sociallpolicy.guidance.platforms import (
    ACCOUNT_FACTS,
    EEA_MEMBERS,
    EU_MEMBERS,
    Catalogue,
    Platform,
)
from sphinxcontrib_sociallpolicy.schema import ACCOUNTS

CHECKED = dt.date(2026, 12, 2)
AU_START = dt.date(2025, 12, 10)
ESAFETY = (
    "https://www.esafety.gov.au/about-us/industry-regulation/"
    "social-media-age-restrictions/which-platforms-are-age-restricted"
)
#: the catalogue's platforms on eSafety's list of age-restricted platforms
AGE_RESTRICTED_AU = (
    "facebook instagram threads tiktok snapchat x youtube reddit twitch kick".split()
)
#: platforms eSafety found not age-restricted that the catalogue records for AU
NOT_RESTRICTED_AU = ("whatsapp", "discord", "pinterest")
#: facts that may be written with their own record
RECORD_FACTS = ("name", "category", "school-controlled", *ACCOUNT_FACTS, "safest-account")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The catalogue file as written (to compare the loaded facts with)."""
    data = load_yaml(BUILTIN_CATALOGUE, error=PlatformError)
    return {entry["id"]: entry for entry in data["platforms"]} | {
        "digital-consent-age": data["digital-consent-age"]
    }


def _age_records(value: Any) -> Iterator[dict[str, Any]]:
    """Every age written with its own record in an ages table."""
    for item in value.values():
        for age in item if isinstance(item, list) else [item]:
            if isinstance(age, dict):
                yield age


def _fact_records(entry: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in RECORD_FACTS:
        value = entry.get(key)
        if isinstance(value, dict) and "value" in value:
            yield key, value


# --- accounts ---------------------------------------------------------------------------


def test_every_platform_lists_its_accounts_and_the_safest(catalogue: Catalogue) -> None:
    for platform in catalogue:
        if platform.id == "youtube-kids":
            # an app a parent sets up; it offers a school no account to publish with
            assert not platform.accounts and not platform.safest_account
            assert "no account" in platform.notes
            continue
        assert platform.accounts, platform.id
        assert set(platform.accounts) <= set(ACCOUNTS), platform.id
        assert platform.safest_account in platform.accounts, platform.id


@pytest.mark.parametrize(
    ("platform_id", "accounts", "safest"),
    [
        ("facebook", ["page", "group"], "group"),
        ("x", ["profile"], "profile"),
        ("youtube", ["channel"], "channel"),
        ("whatsapp", ["group", "channel"], "group"),
        ("telegram", ["group", "channel"], "channel"),
        ("linkedin", ["page", "group", "profile"], "page"),
        ("mastodon", ["profile", "site"], "site"),
        ("padlet", ["site"], "site"),
        ("seesaw", ["class"], "class"),
        ("classdojo", ["class"], "class"),
        ("google-classroom", ["class"], "class"),
        ("microsoft-teams", ["class"], "class"),
        ("tapestry", ["site"], "site"),
        ("roblox", ["group"], "group"),
        ("reddit", ["group", "profile"], "group"),
        ("twitch", ["channel"], "channel"),
        ("kick", ["channel"], "channel"),
        ("blog", ["site"], "site"),
        ("learning-platform", ["class", "site"], "class"),
        ("school-website", ["site"], "site"),
    ],
)
def test_accounts_offered(
    catalogue: Catalogue, platform_id: str, accounts: list[str], safest: str
) -> None:
    platform = catalogue.platforms[platform_id]
    assert list(platform.accounts) == accounts
    assert platform.safest_account == safest


def test_account_facts_from_the_research(catalogue: Catalogue) -> None:
    whatsapp = catalogue.platforms["whatsapp"]
    assert whatsapp.fact("membership-control", "group") is True
    assert whatsapp.fact("membership-control", "channel") is False
    telegram = catalogue.platforms["telegram"]
    assert telegram.membership_control and telegram.private_groups
    assert catalogue.platforms["mastodon"].membership_control  # locked accounts
    assert catalogue.platforms["snapchat"].membership_control
    assert catalogue.platforms["twitch"].fact("membership-control", "channel") is False


# --- Australia: 16 from 10 December 2025 ------------------------------------------------


@pytest.mark.parametrize("platform_id", AGE_RESTRICTED_AU)
def test_australia_record_names_esafety_and_the_start(
    catalogue: Catalogue, platform_id: str
) -> None:
    ages = catalogue.platforms[platform_id].min_ages["AU"]
    assert len(ages) == 1
    (age,) = ages
    assert (age.age, age.start) == (16, AU_START)
    assert "eSafety" in age.fact.source
    assert age.fact.address == ESAFETY
    assert age.fact.checked_on == CHECKED and age.fact.verified


@pytest.mark.parametrize("platform_id", AGE_RESTRICTED_AU)
def test_australia_age_depends_on_the_build_date(
    catalogue: Catalogue, platform_id: str
) -> None:
    platform = catalogue.platforms[platform_id]
    before = platform.min_age("AU", on=dt.date(2025, 12, 9))
    assert before == 13 == platform.min_age("ZZ", on=dt.date(2025, 12, 9))
    assert platform.min_age("AU", on=dt.date(2025, 12, 10)) == 16
    assert platform.min_age("AU", on=CHECKED) == 16
    fact = platform.min_age_fact("AU", on=dt.date(2025, 12, 9))
    assert fact is not None and fact.start is None  # the default, not the AU record


@pytest.mark.parametrize("platform_id", NOT_RESTRICTED_AU)
def test_platforms_not_restricted_in_australia_stay_13(
    catalogue: Catalogue, platform_id: str
) -> None:
    platform = catalogue.platforms[platform_id]
    for on in (dt.date(2025, 12, 9), dt.date(2025, 12, 10)):
        assert platform.min_age("AU", on=on) == 13
    assert "eSafety" in platform.min_ages["AU"][0].fact.source


# --- YouTube: Google's age in each country ----------------------------------------------


def test_youtube_has_no_eea_age(catalogue: Catalogue) -> None:
    youtube = catalogue.platforms["youtube"]
    assert "EEA" not in youtube.min_ages and "EU" not in youtube.min_ages
    # every EEA state is written out, each with Google's page as its source
    assert EEA_MEMBERS <= set(youtube.min_ages)
    for country in EEA_MEMBERS:
        (age,) = youtube.min_ages[country]
        assert age.fact.address == "https://support.google.com/accounts/answer/1350409"
        assert "Google Account" in age.fact.source and age.fact.checked_on == CHECKED
    expected = {"DE": 16, "NL": 16, "IE": 16, "FR": 15, "DK": 15, "AT": 14, "IT": 14}
    expected |= {"ES": 14, "CY": 14, "BE": 13, "SE": 13, "NO": 13, "SI": 16, "KR": 14}
    assert {c: youtube.min_age(c, CHECKED) for c in expected} == expected


# --- ages over time ---------------------------------------------------------------------


def test_whatsapp_lowered_its_age_on_11_april_2024(catalogue: Catalogue) -> None:
    whatsapp = catalogue.platforms["whatsapp"]
    for country in ("GB", "FR"):
        assert whatsapp.min_age(country, dt.date(2024, 4, 10)) == 16
        assert whatsapp.min_age(country, dt.date(2024, 4, 11)) == 13
    assert whatsapp.min_age("US", dt.date(2024, 4, 10)) == 13


def test_roblox_regional_terms_start_on_1_november_2026(catalogue: Catalogue) -> None:
    roblox = catalogue.platforms["roblox"]
    for country in ("GB", "DE", "NO", "CH"):
        assert roblox.min_age(country, dt.date(2026, 10, 31)) is None
        assert roblox.min_age(country, dt.date(2026, 11, 1)) == 5
    assert roblox.min_age("US", CHECKED) is None


def test_telegram_18_only_in_the_eu_uk_and_australia(catalogue: Catalogue) -> None:
    telegram = catalogue.platforms["telegram"]
    ages = {c: telegram.min_age(c, CHECKED) for c in ("GB", "IT", "AU", "US", "JP")}
    assert ages == {"GB": 18, "IT": 18, "AU": 18, "US": None, "JP": None}
    assert "EU, the UK and Australia" in telegram.min_ages["default"][0].fact.source


# --- sources and dates ------------------------------------------------------------------


def test_every_fact_record_has_a_source_and_a_date(
    catalogue: Catalogue, raw: dict[str, Any]
) -> None:
    for platform in catalogue:
        for key, fact in platform.facts.items():
            assert fact.source.strip(), (platform.id, key)
            assert fact.checked_on == CHECKED, (platform.id, key)
        entry = raw[platform.id]
        for key, record in _fact_records(entry):
            assert record.get("source") and record.get("checked-on"), (platform.id, key)
        assert set(platform.facts) == {key for key, _ in _fact_records(entry)}
        for record in _age_records(entry["min-age"]):
            assert record.get("source") and record.get("checked-on"), platform.id
    consent = raw["digital-consent-age"]["ages"]
    records = list(_age_records(consent))
    assert len(records) == sum(
        len(v) if isinstance(v, list) else 1 for v in consent.values()
    )  # every consent age is written with its record
    for record in records:
        assert record.get("source") and record.get("checked-on"), record


def test_researched_entries_write_their_ages_with_records(catalogue: Catalogue) -> None:
    """Every age of an entry re-checked on 2026-12-02 has a source, except a
    null age the research gave without one (Tapestry: children hold no accounts)."""
    for platform in catalogue:
        if platform.checked_on != CHECKED:
            continue
        for key, ages in platform.min_ages.items():
            for age in ages:
                if platform.id == "tapestry" and key == "default":
                    assert age.age is None
                    continue
                assert age.fact.source and age.fact.checked_on, (platform.id, key)


def test_every_eu_state_has_a_consent_age_with_its_record(catalogue: Catalogue) -> None:
    for country in sorted(EU_MEMBERS | {"NO", "IS", "LI"}):
        ages = catalogue.consent_ages.get(country)
        assert ages, country
        for age in ages:
            assert age.age is not None and 13 <= age.age <= 16, country
            assert age.fact.source and age.fact.checked_on == CHECKED, country
    (default,) = catalogue.consent_ages["default"]
    assert default.age == 16 and "Art 8(1)" in default.fact.source
    assert default.fact.address == "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
    assert "Data Protection Act 2018 s9" in catalogue.consent_ages["GB"][0].fact.source
    assert "COPPA" in catalogue.consent_ages["US"][0].fact.source
    earlier, later = catalogue.consent_ages["DK"]
    assert (earlier.age, earlier.start) == (13, None)
    assert (later.age, later.start) == (15, dt.date(2024, 1, 1))
    assert catalogue.consent_age("SI", CHECKED) == 15
    # Iceland and Liechtenstein could not be confirmed
    unconfirmed = {
        c for c, ages in catalogue.consent_ages.items() if not ages[-1].fact.verified
    }
    assert unconfirmed == {"IS", "LI"}


# --- verified: false --------------------------------------------------------------------


def _written_unverified(entry: dict[str, Any]) -> set[str]:
    out = {key for key, record in _fact_records(entry) if record.get("verified") is False}
    for country, item in entry["min-age"].items():
        items = item if isinstance(item, list) else [item]
        if any(isinstance(a, dict) and a.get("verified") is False for a in items):
            out.add(f"min-age {country}")
    return out


def test_unverified_lists_exactly_the_facts_written_unverified(
    catalogue: Catalogue, raw: dict[str, Any]
) -> None:
    for platform in catalogue:
        assert set(platform.unverified()) == _written_unverified(raw[platform.id]), (
            platform.id
        )
        assert len(platform.unverified()) == len(set(platform.unverified()))


@pytest.mark.parametrize(
    ("platform_id", "unverified"),
    [
        ("facebook", []),
        ("instagram", ["premoderation", "private-groups"]),
        ("tiktok", ["membership-control"]),
        ("kick", ["premoderation", "membership-control"]),
        ("padlet", ["min-age default"]),
        ("seesaw", ["min-age default"]),
        ("youtube", ["membership-control"]),
        ("linkedin", []),
    ],
)
def test_unverified_examples(
    catalogue: Catalogue, platform_id: str, unverified: list[str]
) -> None:
    assert catalogue.platforms[platform_id].unverified() == unverified


def test_unverified_by_country(catalogue: Catalogue) -> None:
    padlet: Platform = catalogue.platforms["padlet"]
    # without a country, each age entry marked unconfirmed; with one, the age that
    # applies there, wherever it is written (here the default)
    assert padlet.unverified() == ["min-age default"]
    assert padlet.unverified("GB") == ["min-age"]
