"""Draw the pictures of docs/authoring.md's figure section: every bundled figure and
every base, as SVG in docs/figures/ (start and top or hold, side by side).

Run after changing coach/format/figure_library.py or the skeleton:
    .venv/bin/python scripts/make_figure_pictures.py
"""

from __future__ import annotations

from pathlib import Path

from coach.cli.figures import figure_svg
from coach.engine.figures.motion import keyframes
from coach.format.figure_library import BUNDLED_FIGURES, bundled_figure
from coach.format.figures import BASES, Figure

OUT = Path(__file__).resolve().parent.parent / "docs" / "figures"

# Holds show their held pose second; everything else its top.
HOLDS = {
    name
    for name, data in BUNDLED_FIGURES.items()
    if "hold" in data or ("top" not in data and "end" not in data)
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in sorted(BUNDLED_FIGURES):
        figure = bundled_figure(name)
        assert figure is not None
        kind = "hold" if name in HOLDS else "reps"
        svg = figure_svg(keyframes(figure), kind, title=name)
        (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
    for base in BASES:
        for view in ("side", "front"):
            keys = keyframes(Figure.model_validate({"base": base, "view": view}))
            svg = figure_svg(keys, "hold", title=f"{base}, {view} view")
            (OUT / f"base-{base}-{view}.svg").write_text(svg, encoding="utf-8")
    print(f"wrote {len(list(OUT.glob('*.svg')))} pictures to {OUT}")


if __name__ == "__main__":
    main()
