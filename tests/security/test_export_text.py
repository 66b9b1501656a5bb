"""A request's hostile free text, through approval and a real export (tiny footage, real ffmpeg):
the watermark's filter graph is not broken by it, and the signed certificate prints it
literally, with no reportlab markup taking effect."""

import io
import re
from datetime import timedelta

import pytest

from evidence.exports.working import watermark_text
from evidence.models import ExportFile, ExportJob
from tests.evidence.export_support import *  # noqa: F403 (fixtures: camera, footage)
from tests.evidence.export_support import T0, media_file, run_direct
from tests.security.hostile import FIR, FIR_PATTERN, HINDI, payload, short

pytestmark = pytest.mark.slow

_STRING = rb"\((?:\\.|[^\\)])*\)"
# A string shown with Tj, an array of strings and kerning offsets shown with TJ (shaped text),
# or a line break.
_TEXT = re.compile(
    rb"(?P<s>" + _STRING + rb")\s*Tj|(?P<a>\[(?:\s*(?:" + _STRING + rb"|-?[\d.]+))*\s*\])\s*TJ"
    rb"|(?P<br>T\*|BT|ET)",
    re.S,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _unescape(raw):
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)

    return _ESCAPE.sub(one, raw).decode("latin-1")


def pdf_page_streams(data):
    """The decoded content stream of every page, read with pyHanko."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    streams = []
    for page_ref in reader.root["/Pages"]["/Kids"]:
        contents = page_ref.get_object()["/Contents"]
        parts = contents if isinstance(contents, list) else [contents]
        streams += [part.get_object().data for part in parts]
    return streams


def pdf_text(streams):
    """The text the pages draw, one space where a line or a cell ends."""
    out = []
    for stream in streams:
        for match in _TEXT.finditer(stream):
            if match.group("br"):
                out.append(" ")
            else:
                shown = match.group("s") or match.group("a")
                out += [_unescape(part[1:-1]) for part in re.findall(_STRING, shown, re.S)]
    return " ".join("".join(out).split())


def ascii_part(text):
    """What the standard PDF fonts can draw: the text before the Hindi."""
    return " ".join(text.split(HINDI)[0].split())


@pytest.fixture
def hostile_export(footage, cast):
    from requests_app import filing, services
    from requests_app.models import Status as S

    camera = footage[0].camera
    camera.name, camera.location_description = payload("camera_name"), payload("camera_location")
    camera.save()
    recorder = camera.recorder
    recorder.name, recorder.make = payload("recorder_name"), short("recorder_make")
    recorder.location = payload("recorder_location")
    recorder.save()
    station = cast["officer"].station
    station.name, station.fir_number_pattern = payload("station_name"), FIR_PATTERN
    station.save()
    for key in ("citizen", "operator", "supervisor"):
        user = cast[key]
        user.first_name, user.last_name = short(f"{key}_first"), HINDI
        user.save()
    request, _created = filing.file_request(
        filer=cast["citizen"],
        station=station,
        fir_number=FIR,
        fir_year=T0.year,
        fir_date=T0.date(),
        complainant_name=payload("complainant_name"),
        complainant_phone="9876543210",
        incident_place=payload("incident_place"),
        incident_description=payload("incident_description"),
        purpose=payload("purpose"),
        items=[(camera, T0 + timedelta(seconds=3), T0 + timedelta(seconds=9.5))],
    )
    services.transition(request, S.UNDER_REVIEW, actor=cast["officer"])
    services.mark_prepared(request=request, actor=cast["operator"])
    services.transition(request, S.APPROVED, actor=cast["supervisor"])
    job = run_direct(request.items.get().export_job)
    assert job.status == ExportJob.Status.SUCCEEDED, job.error
    return job


def test_watermark_takes_the_requests_free_text_without_breaking_the_filter_graph(
    hostile_export,
):
    job = hostile_export
    assert job.files.get(kind=ExportFile.Kind.WORKING).frames == 65
    text = watermark_text(job)
    assert f"FIR {FIR}/{T0.year}" in text
    assert f"Exported for {payload('station_name')}" in text


def test_certificate_prints_hostile_text_literally(hostile_export):
    from evidence import signing

    data = media_file(hostile_export.files.get(kind=ExportFile.Kind.CERTIFICATE)).read_bytes()
    assert signing.check_pdf(data).valid
    streams = pdf_page_streams(data)
    text = pdf_text(streams)
    for value in [
        payload("purpose"),
        payload("incident_place"),
        payload("station_name"),
        payload("camera_name"),
        payload("camera_location"),
        payload("recorder_name"),
        payload("recorder_location"),
        short("recorder_make"),
        short("citizen_first"),
        short("operator_first"),
        short("supervisor_first"),
        FIR,
    ]:
        assert ascii_part(value) in text, value
    # The markup stayed text: no 80-point font, no paragraph or font tags parsed.
    joined = b"\n".join(streams)
    assert not re.search(rb"\s80(\.0+)? Tf", joined)
    assert text.count("<font size=80>") >= 7 and text.count("<para>") >= 7
