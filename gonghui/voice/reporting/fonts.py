"""The installed CJK fonts, found at run time (fontconfig first, matplotlib's font list as a fallback).

Nothing is downloaded: without a Chinese font the reports would print empty boxes, so rendering stops
with `MissingCJKFont` and says what to install.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

# Most wanted first. Sans is the 黑体 of headings and the chart; serif is the 宋体 of the body text.
SANS_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK TC",
    "Droid Sans Fallback",
)
SERIF_FAMILIES = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "AR PL UMing CN",
    "Noto Serif CJK TC",
)

INSTALL_HINT = (
    "未找到中文字体，专报无法生成（中文会显示为方框）。"
    "请安装 fonts-noto-cjk（Debian：apt-get install fonts-noto-cjk，或运行 scripts/system-deps.sh）。"
)


class MissingCJKFont(RuntimeError):
    """No Chinese font is installed on this machine."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str


@dataclass(frozen=True)
class CJKFonts:
    sans: CJKFont
    serif: CJKFont  # the sans font again when no serif CJK font is installed

    @property
    def css_serif_stack(self) -> str:
        return _css_stack([self.serif.family, self.sans.family], "serif")

    @property
    def css_sans_stack(self) -> str:
        return _css_stack([self.sans.family, self.serif.family], "sans-serif")


def _css_stack(families: list[str], generic: str) -> str:
    unique = list(dict.fromkeys(families))
    return ", ".join([*(f'"{f}"' for f in unique), generic])


def _regular_first(style: str) -> int:
    style = style.lower()
    return 0 if "regular" in style or "book" in style or "normal" in style else 1


def _from_fontconfig() -> dict[str, str]:
    """family → file of the regular face, for fonts that cover Chinese."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return {}
    try:
        out = subprocess.run(  # noqa: S603 — fixed arguments, no user input
            [fc_list, ":lang=zh", "family", "style", "file"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, tuple[int, str]] = {}
    for line in out.splitlines():
        # /usr/share/fonts/…/NotoSansCJK-Regular.ttc: Noto Sans CJK SC,Noto Sans CJK SC Regular:style=Regular
        path, _, rest = line.partition(": ")
        families, _, style = rest.partition(":style=")
        rank = _regular_first(style)
        for family in families.split(","):
            family = family.strip()
            if family and (family not in found or rank < found[family][0]):
                found[family] = (rank, path.strip())
    return {family: path for family, (_, path) in found.items()}


def _from_matplotlib() -> dict[str, str]:
    from matplotlib import font_manager

    found: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in SANS_FAMILIES + SERIF_FAMILIES and (
            entry.name not in found or entry.weight in (400, "normal", "regular")
        ):
            found[entry.name] = entry.fname
    return found


def _pick(available: dict[str, str], wanted: tuple[str, ...]) -> CJKFont | None:
    for family in wanted:
        if family in available:
            return CJKFont(family, available[family])
    return None


@lru_cache(maxsize=1)
def cjk_fonts() -> CJKFonts:
    """The CJK fonts to print with; `MissingCJKFont` when there is none."""
    for source in (_from_fontconfig, _from_matplotlib):
        available = source()
        sans = _pick(available, SANS_FAMILIES)
        serif = _pick(available, SERIF_FAMILIES)
        sans = sans or serif
        serif = serif or sans
        if sans is not None and serif is not None:
            return CJKFonts(sans=sans, serif=serif)
    raise MissingCJKFont()
