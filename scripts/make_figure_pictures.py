"""Draw the pictures of docs/authoring.md's figure section: every bundled figure and
every base, as SVG in docs/figures/ (start and top or hold, side by side); and write the
guide's table of each bundled figure's clinical constraints.

Run after changing coach/format/figure_library.py or the skeleton:
    .venv/bin/python scripts/make_figure_pictures.py
"""

from __future__ import annotations

from pathlib import Path

from coach.cli.figures import figure_svg
from coach.engine.figures.motion import keyframes
from coach.engine.figures.physio import constraint_table
from coach.format.figure_library import BUNDLED_FIGURES, bundled_figure
from coach.format.figures import BASES, Figure

OUT = Path(__file__).resolve().parent.parent / "docs" / "figures"
GUIDE = OUT.parent / "authoring.md"

# Holds show their held pose second; everything else its top.
HOLDS = {
    name
    for name, data in BUNDLED_FIGURES.items()
    if "hold" in data or ("top" not in data and "end" not in data)
}


def physio_markdown() -> str:
    """The guide's table: each bundled figure with its constraints, its base's first."""
    bases = {name: str(data.get("base", "standing")) for name, data in BUNDLED_FIGURES.items()}
    lines = ["| figure | checked in every frame |", "|---|---|"]
    for name, checks in constraint_table(bases):
        lines.append(f"| `{name}` | {'; '.join(checks)} |")
    return "\n".join(lines) + "\n"


def guide_with_table(text: str) -> str:
    """The guide's text with the table between its two markers rewritten."""
    start, end = "<!-- physio:start -->\n", "<!-- physio:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + physio_markdown() + end + tail


def main() -> None:
    GUIDE.write_text(guide_with_table(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
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
