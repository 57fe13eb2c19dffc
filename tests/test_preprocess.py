"""The NumPy/Pillow preprocessing primitives behave like the image operations they stand in for."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from redactor.image import preprocess


def test_components_heights_and_widths_with_8_connectivity() -> None:
    ink = np.zeros((40, 60), dtype=bool)
    ink[2:12, 3:5] = True  # a 10x2 bar
    ink[20:25, 10:30] = True  # a 5x20 block
    # A diagonal staircase: 8-connected only through corners, one component 6 high and 6 wide.
    for i in range(6):
        ink[30 + i, 40 + i] = True
    ink[0, 59] = True  # a single pixel at the edge
    hs, ws = preprocess.component_boxes(ink)
    assert sorted(zip(hs.tolist(), ws.tolist(), strict=True)) == [(1, 1), (5, 20), (6, 6), (10, 2)]


def test_components_join_a_u_shape_that_meets_only_at_the_bottom() -> None:
    ink = np.zeros((20, 20), dtype=bool)
    ink[2:15, 2] = True
    ink[2:15, 10] = True
    ink[14, 2:11] = True
    hs, ws = preprocess.component_boxes(ink)
    assert (hs.tolist(), ws.tolist()) == ([13], [9])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_components_count_matches_a_flood_fill(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ink = rng.random((23, 31)) < 0.35
    hs, ws = preprocess.component_boxes(ink)
    # Reference: flood fill with an explicit stack, each component's bounding box.
    seen = np.zeros_like(ink)
    expected = []
    for y, x in zip(*np.nonzero(ink), strict=True):
        if seen[y, x]:
            continue
        stack = [(y, x)]
        seen[y, x] = True
        ys, xs = [y], [x]
        while stack:
            cy, cx = stack.pop()
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = cy + dy, cx + dx
                    if 0 <= ny < 23 and 0 <= nx < 31 and ink[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
                        ys.append(ny)
                        xs.append(nx)
        expected.append((max(ys) - min(ys) + 1, max(xs) - min(xs) + 1))
    assert sorted(zip(hs.tolist(), ws.tolist(), strict=True)) == sorted(expected)


def test_empty_and_tiny_images_are_prepared_without_error() -> None:
    for size in ((0, 0), (1, 1), (3, 40), (24, 24)):
        prepared = preprocess.prepare(Image.new("RGB", size, "white"))
        assert prepared.image.size == size and prepared.scale == 1.0


def test_otsu_splits_two_populations_between_them() -> None:
    gray = np.concatenate([np.full(500, 40), np.full(1500, 220)]).astype(np.uint8).reshape(40, 50)
    assert 40 <= preprocess.otsu_threshold(gray) < 220


def test_background_flattening_turns_a_dimmed_form_into_dark_on_white() -> None:
    img = Image.new("L", (200, 60), 120)  # a dimmed panel
    ImageDraw.Draw(img).text((10, 20), "IBAN DE89", fill=60)
    flat = preprocess.flatten_background(np.asarray(img))
    assert flat[5, 5] == 255  # the panel becomes white
    assert flat.min() < 60  # the ink stays dark (stretched)


def test_upscale2_keeps_flat_areas_and_doubles_the_size() -> None:
    gray = np.full((7, 9), 200, dtype=np.uint8)
    gray[3, 4] = 0
    up = preprocess.upscale2(gray)
    assert up.shape == (14, 18)
    assert up[0, 0] == 200 and up[13, 17] == 200
    assert up[6:8, 8:10].max() < 100  # the dark pixel stays dark at its new place


def test_small_text_is_upscaled_and_big_text_is_not() -> None:
    def page(size: int) -> Image.Image:
        from PIL import ImageFont

        from redactor.resources import get_resource_path
        font = ImageFont.truetype(str(get_resource_path("fonts/IBMPlexSans-Regular.ttf")), size)
        img = Image.new("RGB", (600, 200), "white")
        ImageDraw.Draw(img).multiline_text((10, 10), "Trade ID Account owner\nIBAN BIC Email 123\nBTC buyer details",
                                           font=font, fill="black")
        return img
    assert preprocess.prepare(page(12)).scale == 2.0
    assert preprocess.prepare(page(26)).scale == 1.0


def test_dark_regions_are_inverted() -> None:
    img = Image.new("RGB", (256, 128), (30, 30, 30))
    prepared = preprocess.prepare(img)
    assert prepared.inverted
