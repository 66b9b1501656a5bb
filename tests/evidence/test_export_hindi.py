"""Hindi (Devanagari) free text on the custody certificate and the working copy's watermark.

The standard PDF fonts and Bitstream Vera have no Devanagari: they print empty boxes. These tests
read the signed PDF with pyHanko and render watermarks with the real ffmpeg."""

import io
import re
import subprocess

import pytest
from django.conf import settings

from evidence import fonts, signing
from evidence.exports import certificate
from evidence.exports.working import font_size, watermark_graph, watermark_image
from evidence.ffmpeg import ffmpeg_exe
from evidence.footage import generate_segments
from evidence.models import ExportFile

from .export_support import *  # noqa: F403 (fixtures)
from .export_support import CASE, T0, index_segments, media_file, new_job, run_direct

NAME = "आशा वर्मा"
PLACE = "ऑटो-रिक्शा स्टैंड, चौक बाज़ार"
STATION = "कोतवाली थाना"
HINDI_CASE = {
    **CASE,
    "requester": NAME,
    "incident_place": PLACE,
    "station_name": STATION,
    "purpose": "चोरी की जाँच (theft)",
}


def test_script_runs_keep_whole_words_and_rejoin_to_the_text():
    text = "Asha (आशा वर्मा), MG Road; ऑटो-रिक्शा"
    runs = fonts.script_runs(text)
    assert runs == [
        (False, "Asha "),
        (True, "(आशा वर्मा),"),
        (False, " MG Road; "),
        (True, "ऑटो-रिक्शा"),
    ]
    assert "".join(part for _, part in runs) == text
    assert fonts.script_runs("MG Road") == [(False, "MG Road")]


def test_markup_escapes_before_wrapping_devanagari_in_its_font():
    markup = certificate.markup('<b>आशा</b> & "x" <font size=80>')
    assert markup == (
        f'<font name="{certificate.DEVANAGARI}">&lt;b&gt;आशा&lt;/b&gt;</font>'
        ' &amp; "x" &lt;font size=80&gt;'
    )


# --- the certificate -------------------------------------------------------------------------


@pytest.fixture
def short_footage(camera):
    """2 seconds of footage from T0 in one segment, indexed."""
    paths = generate_segments(
        settings.RECORDINGS_ROOT, camera.code, T0, 2, segment_seconds=2, gop_seconds=2
    )
    return index_segments(camera, paths, T0, 2)


def _pages(data):
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return [ref.get_object() for ref in reader.root["/Pages"]["/Kids"]]


def _content(page):
    contents = page["/Contents"]
    parts = contents if isinstance(contents, list) else [contents]
    return b"".join(part.get_object().data for part in parts)


def _unicode_targets(font):
    """The code points the font's ToUnicode map gives its codes (0 for unused codes)."""
    cmap = font["/ToUnicode"].get_object().data.decode("latin-1")
    return {int(target, 16) for target in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4})>", cmap)}


@pytest.mark.slow
def test_certificate_embeds_noto_devanagari_and_draws_shaped_hindi(short_footage, cast):
    job = run_direct(
        new_job(short_footage[0].camera, 0.3, 1.8, actor=cast["operator"], case=HINDI_CASE)
    )
    assert job.status == "succeeded", job.error
    data = media_file(job.files.get(kind=ExportFile.Kind.CERTIFICATE)).read_bytes()
    assert signing.check_pdf(data).valid

    page = _pages(data)[0]
    used = {}
    for name, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        if "NotoSansDevanagari" in str(font["/BaseFont"]):
            used[name] = font
    assert used, "no Noto Sans Devanagari font on the first page"
    for font in used.values():
        # Embedded (a TrueType subset in the file), not merely named.
        assert len(font["/FontDescriptor"]["/FontFile2"].get_object().data) > 1000
    content = _content(page)
    assert any(re.search(re.escape(name.encode()) + rb" [\d.]+ Tf", content) for name in used)

    targets = set().union(*(_unicode_targets(font) for font in used.values()))
    assert {ord(c) for c in "आशवरमटचबज"} <= targets
    # Shaped: the half forms (क् in रिक्शा, स् in स्टैंड) and the reph of र्मा are glyphs of their
    # own, without a code point (reportlab maps them into the private-use area), and no virama
    # is drawn on its own. Unshaped text draws each virama as a separate mark.
    assert any(0xE000 <= target <= 0xF8FF for target in targets)
    assert 0x094D not in targets


# --- the watermark ---------------------------------------------------------------------------


VIRAMA, ZWNJ = "\u094d", "\u200c"
STATION_WITH_CONJUNCTS = "कोतवाली क्षेत्र थाना"


def _frame_with_watermark(tmp_path, station):
    """One 320x180 grey frame with the watermark laid on it by the working copy's own graph,
    as grey bytes."""
    text = f"Ref FR-2026-000123   FIR 45/2026\nCamera cam-1\nExported for {station}"
    watermark_image(text, height=180).save(tmp_path / "watermark.png")
    graph = watermark_graph(trim_start=0, trim_end=0.1, epoch=T0.timestamp(), height=180)
    result = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "warning",
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=320x180:r=10:d=0.1",
            "-i",
            "watermark.png",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    assert not result.stderr, result.stderr.decode()
    return result.stdout


def changed(frame, reference):
    return sum(abs(a - b) > 40 for a, b in zip(frame, reference, strict=True))


@pytest.mark.slow
def test_watermark_draws_devanagari_glyphs(tmp_path):
    hindi = _frame_with_watermark(tmp_path, "नगर थाना")
    other = _frame_with_watermark(tmp_path, "कमल थाना")
    blank = _frame_with_watermark(tmp_path, " " * len("नगर थाना"))
    # Something is drawn for the Hindi name, and it is its letters: a font without Devanagari
    # draws both names as the same row of empty boxes.
    assert changed(hindi, blank) > 50
    assert changed(hindi, other) > 50


@pytest.mark.slow
def test_watermark_typesets_conjuncts_instead_of_a_visible_virama(tmp_path):
    """क्ष and त्र are conjuncts; a zero-width non-joiner after the virama asks for the half form
    with a visible virama, which is what Latin-script shaping (ffmpeg's drawtext) prints for
    both spellings alike."""
    typeset = _frame_with_watermark(tmp_path, STATION_WITH_CONJUNCTS)
    virama = _frame_with_watermark(tmp_path, STATION_WITH_CONJUNCTS.replace(VIRAMA, VIRAMA + ZWNJ))
    assert changed(typeset, virama) > 20


def _ink_width(image):
    """Width of the white text on the watermark's black box."""
    left, _top, right, _bottom = image.getchannel("R").point(lambda v: 255 * (v > 60)).getbbox()
    return right - left


def test_watermark_lines_are_shaped_by_script_not_as_latin():
    from PIL import ImageFont

    line = f"Exported for {STATION_WITH_CONJUNCTS}"
    # Measured at 4x the watermark's font size for sub-pixel precision, in watermark pixels.
    font_path, size = str(fonts.devanagari_path()), 4 * font_size(180)
    raqm = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(font_path, size, layout_engine=ImageFont.Layout.BASIC)
    # The premise: shaped, क्ष is one narrow cluster; with the virama forced visible it is two.
    assert raqm.getlength("क्ष") < raqm.getlength("क" + VIRAMA + ZWNJ + "ष") - 12

    def width(font):
        left, _top, right, _bottom = font.getbbox(line, anchor="la")
        return (right - left) / 4

    drawn = _ink_width(watermark_image(line, height=180))
    assert abs(drawn - width(raqm)) <= 1.5, (drawn, width(raqm), width(basic))
    assert width(basic) - drawn >= 8, (drawn, width(raqm), width(basic))


def test_watermark_font_comes_from_a_pip_package_and_covers_both_scripts():
    import uharfbuzz

    path = fonts.devanagari_path()
    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path)))
    assert {ord(c) for c in "Exported for 0123456789:-/" + NAME + PLACE} <= set(face.unicodes)
    graph = watermark_graph(trim_start=0, trim_end=1, epoch=0, height=180)
    assert str(path) in graph.replace("\\", "")
