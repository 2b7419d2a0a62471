"""Loading guidance packs and catalogue files: located errors, safety, merging,
overrides (no build)."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import Path

import pytest
from guidance_cases import HERE

from sphinxcontrib_sociallpolicy.guidance import (
    BUILTIN_CATALOGUE,
    BUILTIN_PACKS,
    PackError,
    PlatformError,
    load_catalogue,
    load_pack,
    load_yaml,
    merge_packs,
    pack_files,
    requirements_of,
    resolve_packs,
)

BAD_PACKS = sorted((HERE / "bad_packs").glob("*.yaml"))
BAD_PLATFORMS = sorted((HERE / "bad_platforms").glob("*.yaml"))


def _expected(path: Path) -> str:
    """The ``# expect: LINE: MESSAGE`` comment on a bad file's first line, as the
    whole error text."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (\d+): (.*)", first)
    assert match, f"{path.name}: the first line must be '# expect: LINE: MESSAGE'"
    return f"{path}:{match.group(1)}: {match.group(2)}"


@pytest.mark.parametrize("path", BAD_PACKS, ids=[p.stem for p in BAD_PACKS])
def test_bad_pack_is_one_located_error(path: Path) -> None:
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert type(info.value) is PackError
    assert str(info.value) == _expected(path)


@pytest.mark.parametrize("path", BAD_PLATFORMS, ids=[p.stem for p in BAD_PLATFORMS])
def test_bad_catalogue_is_one_located_error(path: Path) -> None:
    with pytest.raises(PlatformError) as info:
        load_catalogue([path])
    assert str(info.value) == _expected(path)


def test_enough_bad_files() -> None:
    assert len(BAD_PACKS) >= 25 and len(BAD_PLATFORMS) >= 12


def test_severity_message_exactly(tmp_path: Path) -> None:
    path = HERE / "bad_packs" / "severity_not_allowed.yaml"
    with pytest.raises(PackError) as info:
        load_pack(path)
    error = info.value
    assert (error.path, error.line) == (str(path), 10)
    assert error.message == (
        "requirement MOD_PREMODERATION: 'severity' is 'critical'; allowed: must, "
        "should, may"
    )


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/object:builtins.object",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_are_refused_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    pack = tmp_path / "evil.yaml"
    pack.write_text(
        "pack: evil\ntitle: t\nsource: s\nversion: '1'\n"
        f'requirements: {tag} ["touch {marker}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(PackError) as info:
        load_pack(pack)
    assert not marker.exists()
    assert str(info.value).startswith(f"{pack}:5: the YAML tag {tag.split(' ')[0]}")
    assert "is not allowed" in str(info.value)


def test_plain_yaml_words_stay_words(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(
        "a: off\nb: no\nc: yes\nd: NO\ne: true\nf: 2026-11-24\n", encoding="utf-8"
    )
    data = load_yaml(path)
    assert data == {
        "a": "off",
        "b": "no",
        "c": "yes",
        "d": "NO",
        "e": True,
        "f": dt.date(2026, 11, 24),
    }
    assert data.key_line("f") == 6


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(
        PackError, match=r"missing\.yaml: the guidance pack file does not exist$"
    ):
        load_pack(tmp_path / "missing.yaml")
    (tmp_path / "empty.yaml").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"empty\.yaml: the file is empty"):
        load_pack(tmp_path / "empty.yaml")
    with pytest.raises(PlatformError, match=r"missing\.yaml: the file does not exist$"):
        load_catalogue([tmp_path / "missing.yaml"])


def test_errors_pickle() -> None:
    error = PlatformError("a.yaml", 3, "bad")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is PlatformError and str(again) == "a.yaml:3: bad"
    assert str(PackError("a.yaml", None, "gone")) == "a.yaml: gone"


# --- resolving packs ------------------------------------------------------------------


def test_resolve_builtin_packs_merges_shared_ids() -> None:
    packs = resolve_packs(["kent-2010", "uk-online-safety"], HERE)
    kent, uk = packs
    ids = [r.id for r in requirements_of(packs)]
    assert len(ids) == len(set(ids)) == 46
    # the first pack keeps a shared rule, with the other pack's source recorded
    slt = kent.get("GOV_SLT_APPROVAL")
    assert slt is not None and slt.pack == "kent-2010"
    assert slt.sources() == [
        "Kent CC 2010, para 1, sentence 3; para 2, sentence 1",
        "Kent CC 2010, para 2; LGfL online-safety policy template "
        "(https://safepolicies.lgfl.net) and SWGfL online-safety policy templates "
        "(https://swgfl.org.uk); first set out in Kent's 2016 draft template, since "
        "withdrawn",
    ]
    assert uk.get("GOV_SLT_APPROVAL") is None
    assert "GOV_SLT_APPROVAL" in uk.shared and len(uk.shared) == 22
    assert len(uk.requirements) == 22
    # the other order: the UK pack keeps them
    packs = resolve_packs(["uk-online-safety", "kent-2010"], HERE)
    assert len(packs[0].requirements) == 44
    assert [r.id for r in packs[1].requirements] == [
        "MOD_KEPT_UP_TO_DATE",
        "GOV_SEEK_ADVICE",
    ]


def test_resolve_unknown_pack_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(PackError) as info:
        resolve_packs(["kent2010"], tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'conf.py'}: sm_guidance names 'kent2010', which is not a built-in "
        "guidance pack (did you mean 'kent-2010'?) and not a .yaml file; built-in packs: "
        "kent-2010, uk-online-safety"
    )


def test_resolve_paths_relative_to_confdir_and_collect_errors(tmp_path: Path) -> None:
    (tmp_path / "guidance").mkdir()
    local = tmp_path / "guidance" / "local.yaml"
    local.write_text(
        "pack: oakfield\ntitle: Oakfield rules\nsource: Governing Board\nversion: '1'\n"
        "requirements:\n"
        "  - id: LOCAL_NO_SURNAMES\n    title: No surnames\n    text: No pupil surnames.\n"
        "    severity: must\n    source: Minutes 2026-07-10\n    theme: other\n"
        "    applies-to: tool\n",
        encoding="utf-8",
    )
    errors: list[PackError] = []
    packs = resolve_packs(
        ["kent-2010", "guidance/local.yaml", "missing.yaml", "kent-2010"],
        tmp_path,
        errors=errors,
    )
    assert [p.id for p in packs] == ["kent-2010", "oakfield"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'missing.yaml'}: the guidance pack file does not exist"
    ]
    assert pack_files(packs) == [BUILTIN_PACKS["kent-2010"], local.resolve()]
    rule = packs[1].requirements[0]
    # no check: met by a control that names it in :satisfies:
    assert rule.attested_only
    assert rule.fix.text == (
        "Record the safeguard that meets it: an sm-control with `:satisfies: {rule}` and "
        "`:applies-to:` naming this tool."
    )


def test_two_files_with_one_pack_id(tmp_path: Path) -> None:
    text = BUILTIN_PACKS["kent-2010"].read_text(encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError, match="the pack ID 'kent-2010' is already used by"):
        resolve_packs(["kent-2010", "copy.yaml"], tmp_path)


def test_merge_packs_is_idempotent() -> None:
    packs = resolve_packs(["kent-2010", "uk-online-safety"], HERE)
    again = merge_packs(packs)
    assert [len(p.requirements) for p in again] == [24, 22]


def test_load_pack_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    text = BUILTIN_PACKS["kent-2010"].read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_pack(path)
    assert load_pack(path) is first
    path.write_text(
        text.replace('version: "2026.12"', 'version: "2027.1"'), encoding="utf-8"
    )
    assert load_pack(path).version == "2027.1"


def test_packs_pickle() -> None:
    packs = resolve_packs(["kent-2010", "uk-online-safety"], HERE)
    again = pickle.loads(pickle.dumps(packs))
    assert [r.id for r in requirements_of(again)] == [r.id for r in requirements_of(packs)]


# --- the platform catalogue -------------------------------------------------------------

DOMAIN_PLATFORMS = (
    "facebook instagram threads x youtube youtube-kids tiktok snapchat whatsapp telegram "
    "discord pinterest linkedin bluesky mastodon padlet seesaw classdojo google-classroom "
    "microsoft-teams blog wiki learning-platform school-website "
    "roblox tapestry reddit twitch kick"
).split()
#: the entries not re-researched on 2026-12-02 (generic school-run tools)
NOT_RECHECKED = {"blog", "wiki", "learning-platform", "school-website"}
#: a build date after every dated change in the catalogue
TODAY = dt.date(2026, 12, 2)


def test_builtin_catalogue_has_every_domain_platform() -> None:
    catalogue = load_catalogue()
    assert sorted(p.id for p in catalogue) == sorted(DOMAIN_PLATFORMS)
    assert catalogue.paths == [BUILTIN_CATALOGUE]
    for platform in catalogue:
        expected = (
            dt.date(2026, 11, 24) if platform.id in NOT_RECHECKED else dt.date(2026, 12, 2)
        )
        assert platform.source and platform.checked_on == expected, platform.id
        assert "default" in platform.min_ages
    new = {p: catalogue.platforms[p].category for p in ("roblox", "tapestry", "reddit")}
    assert new == {"roblox": "gaming", "tapestry": "class-journal", "reddit": "forum"}
    assert catalogue.platforms["twitch"].category == "live-streaming"
    assert catalogue.platforms["kick"].category == "live-streaming"


@pytest.mark.parametrize(
    ("platform", "country", "age"),
    [
        ("facebook", "GB", 13),
        ("facebook", "AU", 16),
        ("youtube", "GB", 13),
        ("youtube", "DE", 16),  # Google Account age, not a single EEA age
        ("youtube", "FR", 15),
        ("youtube", "AT", 14),
        ("youtube", "BE", 13),  # not listed by Google
        ("youtube", "NO", 13),  # EEA, not listed by Google
        ("youtube", "US", 13),
        ("youtube", "AU", 16),
        ("tiktok", "AU", 16),
        ("tiktok", "GB", 13),
        ("whatsapp", "GB", 13),
        ("whatsapp", "FR", 13),
        ("whatsapp", "AU", 13),  # not age-restricted in Australia
        ("telegram", "GB", 18),
        ("telegram", "IT", 18),
        ("telegram", "AU", 18),
        ("telegram", "US", None),  # no stated minimum outside the EU, UK and AU
        ("telegram", "NO", None),  # EEA but not EU
        ("linkedin", "GB", 16),
        ("kick", "DE", 16),
        ("kick", "US", 13),
        ("roblox", "GB", 5),
        ("roblox", "US", None),
        ("seesaw", "GB", None),
        ("learning-platform", "GB", None),
    ],
)
def test_min_age_by_country(platform: str, country: str, age: int | None) -> None:
    assert load_catalogue().min_age(platform, country, TODAY) == age


def test_min_age_unknown_platform() -> None:
    with pytest.raises(KeyError, match="'myspace' is not in the platform catalogue"):
        load_catalogue().min_age("myspace", "GB")


def test_unchecked_facts_carry_notes() -> None:
    """A fact that could not be confirmed is written `verified: false` and the
    entry's notes say what is not verified; confirmed facts are not flagged."""
    catalogue = load_catalogue()
    flagged = {p.id: p.unverified() for p in catalogue if p.unverified()}
    assert set(flagged) == {
        "bluesky",  # its Australian age of 16 rests on a news report
        "instagram",
        "threads",
        "x",
        "youtube",
        "tiktok",
        "snapchat",
        "whatsapp",
        "telegram",
        "discord",
        "mastodon",
        "padlet",
        "seesaw",
        "google-classroom",
        "microsoft-teams",
        "roblox",
        "reddit",
        "kick",
    }
    for platform_id in flagged:
        assert "not verified" in catalogue.platforms[platform_id].notes.lower(), platform_id
    # confirmed by the 2026-12-02 research: no longer flagged
    for platform_id in ("facebook", "pinterest", "linkedin", "classdojo"):
        assert catalogue.platforms[platform_id].unverified() == [], platform_id
        assert "not verified" not in catalogue.platforms[platform_id].notes.lower()
    assert flagged["google-classroom"] == [
        "premoderation",
        "membership-control",
        "private-groups",
    ]
    assert flagged["padlet"] == ["min-age default"]


def test_account_kinds_change_facts() -> None:
    catalogue = load_catalogue()
    facebook = catalogue.platforms["facebook"]
    assert list(facebook.accounts) == ["page", "group"]
    assert facebook.safest_account == "group"
    assert facebook.fact("premoderation", "group") is True
    assert facebook.fact("premoderation", "page") is False
    assert facebook.fact("membership-control", "page") is False
    assert facebook.fact("membership-control", "group") is True
    assert facebook.fact("membership-control", None) is True
    linkedin = catalogue.platforms["linkedin"]
    assert linkedin.fact("premoderation", "group") is True
    assert linkedin.fact("membership-control", "group") is True
    assert linkedin.fact("premoderation", "page") is False
    assert linkedin.fact("membership-control", "page") is False
    pinterest = catalogue.platforms["pinterest"]
    assert pinterest.fact("membership-control", "group") is True
    assert pinterest.fact("membership-control", "profile") is False


def test_consent_ages() -> None:
    catalogue = load_catalogue()
    expected = {"GB": 13, "BE": 13, "AT": 14, "FR": 15, "IE": 16, "DE": 16, "US": 13}
    expected |= {"JP": 16, "DK": 15, "SI": 15, "ES": 14, "NO": 13, "IS": 13, "LI": 16}
    assert {c: catalogue.consent_age(c, TODAY) for c in expected} == expected
    # Denmark raised its age from 13 to 15 on 1 January 2024
    assert catalogue.consent_age("DK", dt.date(2023, 12, 31)) == 13
    assert catalogue.consent_age("DK", dt.date(2024, 1, 1)) == 15
    assert catalogue.consent_checked_on == dt.date(2026, 12, 2)


def test_project_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "platforms.yaml"
    extra.write_text(
        "platforms:\n"
        "  - id: mastodon\n"
        "    school-controlled: true\n"
        "    membership-control: true\n"
        "    min-age: {GB: 11}\n"
        "    source: Oakfield runs its own server with approved sign-ups\n"
        "    checked-on: 2026-10-01\n"
        "  - id: youtube\n"
        "    min-age: {AU: 16}\n"
        "    accounts: {channel: {membership-control: false}}\n"
        "    source: YouTube terms, checked by the trust\n"
        "    checked-on: 2026-11-01\n"
        "  - id: oakfield-radio\n"
        "    name: Oakfield Radio\n"
        "    category: website\n"
        "    school-controlled: true\n"
        "    min-age: {default: null}\n"
        "    premoderation: true\n"
        "    membership-control: true\n"
        "    private-groups: false\n"
        "    source: The school's own service\n"
        "    checked-on: 2026-10-01\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(["platforms.yaml"], base_dir=tmp_path)
    assert catalogue.paths == [BUILTIN_CATALOGUE, extra]
    mastodon = catalogue.platforms["mastodon"]
    assert mastodon.school_controlled and mastodon.membership_control
    assert mastodon.min_age("GB") == 11 and mastodon.min_age("FR") is None
    assert mastodon.name == "Mastodon"  # kept from the built-in entry
    assert "own server" in mastodon.notes
    assert (mastodon.path, mastodon.line) == (str(extra), 2)
    youtube = catalogue.platforms["youtube"]
    assert [youtube.min_age(c, TODAY) for c in ("GB", "DE", "AU")] == [13, 16, 16]
    # a plain override has no start date: it applies on any date
    assert youtube.min_age("AU", dt.date(2025, 1, 1)) == 16
    assert youtube.checked_on == dt.date(2026, 11, 1)
    assert catalogue.min_age("oakfield-radio", "GB") is None
    assert len(catalogue) == len(DOMAIN_PLATFORMS) + 1
    # without the built-in catalogue, an override of an unknown platform is a new entry
    with pytest.raises(PlatformError, match="platform mastodon: the required key 'name'"):
        load_catalogue([extra], builtin=False)


def test_guidance_modules_import_nothing_from_sphinx() -> None:
    import ast

    package = BUILTIN_CATALOGUE.parent
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("sphinx", "docutils")), (path.name, name)
