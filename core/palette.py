"""The colours of every chart, chosen so that people who do not see red and green apart can read them.

One place for them: every ``plot_*`` builder takes its colours from here, so a
figure cannot drift back to red-against-green. The series colours are four of
the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), the ones
that keep 3:1 contrast (WCAG 1.4.11, non-text) against both Streamlit's light
and dark backgrounds; a compared pair also differs by dash and marker, so it
stays apart in grey print too. Heatmaps use perceptually uniform scales
(equal steps in value look like equal steps in colour).

The checks live here as small functions (contrast ratio, colour-vision
simulation, colour difference) so the tests and the browser check share them.
"""

from __future__ import annotations

import numpy as np

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}
# Series in the order figures use them: the first two are the training/validation (or truth/model) pair.
SERIES = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish green"], OKABE_ITO["reddish purple"])
FIRST, SECOND, THIRD, FOURTH = SERIES
NEUTRAL = "#8C8C8C"  # "what really happened" lines: a grey that keeps 3:1 on light and dark backgrounds
DASHES = ("solid", "dash", "dot", "dashdot")  # series told apart by line style too, not by colour alone
SYMBOLS = ("circle", "square", "diamond", "triangle-up")
SYMBOLS_3D = ("circle", "square", "diamond", "cross")  # 3D scatter knows fewer shapes
SEQUENTIAL = "Viridis"  # perceptually uniform, dark to light: reads the same with any colour vision
DIVERGING = "Balance"  # cmocean's perceptually uniform blue–white–red, for values either side of zero

# Streamlit's page backgrounds (the theme in .streamlit/config.toml) that chart lines must stand out from.
LIGHT_BACKGROUND = "#FFFFFF"
DARK_BACKGROUND = "#171614"

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def series_style(index: int, width: float = 2) -> dict[str, dict]:
    """The line and marker of the ``index``-th series: its colour, dash and symbol all differ from the others'
    for the first four; after them the colours come round again with another dash and symbol, so no two of the
    first sixteen look alike."""
    colour, shift = SERIES[index % len(SERIES)], index // len(SERIES)
    return {"line": {"color": colour, "dash": DASHES[(index + shift) % len(DASHES)], "width": width},
            "marker": {"color": colour, "symbol": SYMBOLS[(index + shift) % len(SYMBOLS)]}}


def translucent(colour: str, opacity: float) -> str:
    """``colour`` as an ``rgba(...)`` string, for bands and shaded spans drawn under lines."""
    red, green, blue = (round(c * 255) for c in to_rgb(colour))
    return f"rgba({red},{green},{blue},{opacity})"


def to_rgb(colour: str) -> np.ndarray:
    """``#RRGGBB`` as three sRGB values from 0 to 1."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"Colour {colour!r} is not of the form #RRGGBB.")
    return np.array([int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def _linear(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0–1) to linear light, the gamma curve undone (IEC 61966-2-1)."""
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _gamma(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def relative_luminance(rgb: np.ndarray) -> float:
    """WCAG 2's relative luminance of an sRGB colour (0 black, 1 white)."""
    return float(_linear(np.asarray(rgb)) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(first: np.ndarray | str, second: np.ndarray | str) -> float:
    """WCAG 2's contrast ratio, from 1 (same) to 21 (black on white); AA asks 4.5 for text, 3 for lines."""
    lighter, darker = sorted((relative_luminance(_rgb(first)), relative_luminance(_rgb(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def blend(colour: str, background: str, opacity: float) -> np.ndarray:
    """What ``colour`` drawn at ``opacity`` over ``background`` looks like (as browsers mix, in sRGB)."""
    return opacity * to_rgb(colour) + (1 - opacity) * to_rgb(background)


def simulate(rgb: np.ndarray | str, deficiency: str) -> np.ndarray:
    """The colour as someone with ``deficiency`` (a key of DEFICIENCIES) sees it, in sRGB (0–1)."""
    matrix = np.array(DEFICIENCIES[deficiency])
    return _gamma(matrix @ _linear(_rgb(rgb)))


def colour_difference(first: np.ndarray | str, second: np.ndarray | str) -> float:
    """CIE76 ΔE between two sRGB colours: about 2 is just noticeable, above 20 is plainly different."""
    return float(np.linalg.norm(_lab(_rgb(first)) - _lab(_rgb(second))))


def _rgb(colour: np.ndarray | str) -> np.ndarray:
    return to_rgb(colour) if isinstance(colour, str) else np.asarray(colour, dtype=float)


def _lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0–1) to CIELAB under D65, the space where distance approximates seen difference."""
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = to_xyz @ _linear(rgb) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])
