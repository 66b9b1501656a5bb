import pytest
from django.core.exceptions import ImproperlyConfigured

from evidence.footage import utc
from evidence.services.layout import Layout

DEFAULT = "{camera}/{date:%Y-%m-%d}/{date:%H-%M-%S}.mp4"


def test_default_layout_round_trip():
    layout = Layout(DEFAULT)
    start = utc(2026, 11, 20, 9, 5, 7)
    relpath = layout.format("cam-a", start)
    assert relpath == "cam-a/2026-11-20/09-05-07.mp4"
    match = layout.parse(relpath)
    assert (match.camera_code, match.start) == ("cam-a", start)


@pytest.mark.parametrize(
    "relpath",
    [
        "cam-a/2026-11-20/09-05-07.mkv",
        "cam-a/2026-11-20/extra/09-05-07.mp4",
        "cam-a/2026-02-30/09-05-07.mp4",  # no such day
        "cam a/2026-11-20/09-05-07.mp4",
        "cam-a/2026-11-20/25-00-00.mp4",
    ],
)
def test_paths_outside_the_layout_do_not_parse(relpath):
    assert Layout(DEFAULT).parse(relpath) is None


def test_a_repeated_field_must_agree():
    layout = Layout("{camera}/{date:%Y-%m-%d}/{camera}_{date:%Y%m%d-%H%M%S}.ts")
    assert layout.parse("cam-a/2026-11-20/cam-a_20261120-090507.ts").start == utc(
        2026, 11, 20, 9, 5, 7
    )
    assert layout.parse("cam-a/2026-11-20/cam-b_20261120-090507.ts") is None
    assert layout.parse("cam-a/2026-11-20/cam-a_20261121-090507.ts") is None


def test_directories_tell_their_day_for_pruning():
    layout = Layout(DEFAULT)
    assert layout.directory(["cam-a"]) == {"camera": "cam-a"}
    info = layout.directory(["cam-a", "2026-11-20"])
    assert info["date"].isoformat() == "2026-11-20"
    assert layout.directory(["cam-a", "notes"]) is None


@pytest.mark.parametrize(
    "pattern",
    [
        "{camera}/{date:%Y-%m-%d}.mp4",  # no time of day
        "{date:%Y-%m-%d}/{date:%H-%M-%S}.mp4",  # no camera
        "{camera}/{date:%Y-%m-%d %H-%M-%S %Z}.mp4",  # unsupported directive
        "{camera}/{when}.mp4",
    ],
)
def test_bad_layouts_are_refused_at_start_up(pattern):
    with pytest.raises(ImproperlyConfigured):
        Layout(pattern)


def test_the_system_check_reports_a_bad_layout(settings):
    from evidence.checks import recordings_layout

    assert recordings_layout() == []
    settings.RECORDINGS_LAYOUT = "{camera}.mp4"
    [error] = recordings_layout()
    assert error.id == "evidence.E001" and "lacks" in error.msg
