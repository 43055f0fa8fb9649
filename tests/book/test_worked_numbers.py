"""Chapter 5's worked numbers, recomputed here from the formulas the chapter states.

Two layers. The numbers the text quotes as literals (Wald and Wilson bounds, run counts, the
design effect, Bonferroni, the answers) are parsed out of the chapter's source and compared with
the formulas, implemented again below with the standard library only. The numbers the text glues
from the simulator's runs are checked by running the chapter's own code cells, recording what they
glue, and recomputing the same quantities from the chapter's data. Either layer fails when the
text and the formula disagree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from statistics import NormalDist
from typing import Any

import pytest

from tests.book.conftest import ROOT

CHAPTER = ROOT / "book" / "05-measuring-with-error-bars.md"
Z = NormalDist().inv_cdf
Z95 = Z(0.975)


def _prose() -> str:
    """The chapter's text with every run of whitespace made one space (line breaks vary)."""
    return re.sub(r"\s+", " ", CHAPTER.read_text(encoding="utf-8"))


def quoted(pattern: str) -> tuple[float, ...]:
    """The numbers a regular expression captures in the chapter's text (commas in 1,057 dropped)."""
    found = re.search(pattern, _prose())
    assert found, f"chapter 5 no longer says: {pattern}"
    return tuple(float(group.replace(",", "")) for group in found.groups())


def _wald(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    half = z * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


def _wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def _z_sum(alpha: float = 0.05, power: float = 0.80) -> float:
    return Z(1 - alpha / 2) + Z(power)


def _runs_per_arm(p0: float, drop: float, deff: float = 1.0) -> float:
    """Unpaired runs per configuration to detect `drop` from `p0` (two-sided 0.05, 80% power)."""
    p1 = p0 - drop
    return deff * _z_sum() ** 2 * (p0 * (1 - p0) + p1 * (1 - p1)) / drop**2


def _paired_tasks(s_d: float, drop: float) -> float:
    """Tasks for a paired comparison whose per-task differences have standard deviation s_d."""
    return _z_sum() ** 2 * s_d**2 / drop**2


def _deff(epochs: int, rho: float) -> float:
    return 1 + (epochs - 1) * rho


# --- the literal numbers of the text -------------------------------------------------------


def test_wald_and_wilson_for_0_8_percent_of_400():
    p, n = quoted(r"\$\\hat p = (\d+(?:\.\d+)?)\\%\$ measured on \$n = (\d+)\$ requests")
    assert (p, n) == (0.8, 400)
    wald = quoted(r"The Wald interval runs from \$(-?\d+(?:\.\d+)?)\\%\$ to \$(\d+(?:\.\d+)?)\\%\$")
    wilson = quoted(
        r"the Wilson interval runs from \$(\d+(?:\.\d+)?)\\%\$ to \$(\d+(?:\.\d+)?)\\%\$"
    )
    assert wald == tuple(round(100 * bound, 2) for bound in _wald(p / 100, int(n)))
    assert wilson == tuple(round(100 * bound, 2) for bound in _wilson(p / 100, int(n)))
    assert wald[0] < 0 < wilson[0]  # the point of the example


def test_wilson_for_none_bad_out_of_50():
    (n,) = quoted(r"reports 0 bad requests out of (\d+)")
    (high,) = quoted(r"Wilson interval runs from 0% to (\d+(?:\.\d+)?)%")
    low, upper = _wilson(0.0, int(n))
    assert abs(low) < 1e-12 and high == round(100 * upper, 1)
    assert _wald(0.0, int(n)) == (0.0, 0.0)


def test_bonferroni_for_20_slices():
    slices, alpha = quoted(r"With (\d+) slices tested at \$\\alpha = (\d+(?:\.\d+)?)\$")
    (fwer,) = quoted(r"1 - 0\.95\^\{20\} \\approx (\d+)\\%")
    assert fwer == round(100 * (1 - (1 - alpha) ** slices))
    per_slice, threshold = quoted(
        r"that is (\d+(?:\.\d+)?) per slice, a two-sided threshold of \$\|z\| > (\d+(?:\.\d+)?)\$"
    )
    assert per_slice == alpha / slices
    assert threshold == round(Z(1 - per_slice / 2), 2)
    (factor,) = quoted(r"each slice needs about (\d+(?:\.\d+)?) times as many runs")
    assert factor == round(((Z(1 - per_slice / 2) + Z(0.8)) / (Z95 + Z(0.8))) ** 2, 1)
    # the answer to question 6 repeats them
    assert quoted(r"\$p < 0\.05 / 20 = (\d+(?:\.\d+)?)\$") == (per_slice,)
    assert quoted(r"the chance of at least one is about (\d+)%") == (fwer,)


def test_design_effect_and_the_fixed_budget():
    runs, tasks, epochs, rho = quoted(
        r"(\d+) runs as (\d+) tasks of (\d+) epochs, with \$\\rho = (\d+(?:\.\d+)?)\$"
    )
    assert runs == tasks * epochs
    m, rho_again, deff = quoted(
        r"\$\\mathrm\{DEFF\} = 1 \+ \((\d+)-1\) \\times (\d+(?:\.\d+)?) = (\d+(?:\.\d+)?)\$ and are worth"
    )
    assert (m, rho_again) == (epochs, rho) and deff == round(_deff(int(epochs), rho), 2)
    (runs_again, deff_again, effective) = quoted(
        r"are worth \$(\d+) / (\d+(?:\.\d+)?) = (\d+)\$ independent runs"
    )
    assert (runs_again, deff_again) == (runs, deff) and effective == round(runs / deff)
    deff_root, ratio = quoted(
        r"smaller by a factor of \$\\sqrt\{(\d+(?:\.\d+)?)\} \\approx (\d+(?:\.\d+)?)\$"
    )
    assert deff_root == deff and ratio == round(math.sqrt(deff), 2)


def test_the_clustered_to_naive_ratio_is_at_most_root_m():
    epochs, root, bound = quoted(
        r"With (\d+) epochs per task the ratio can never exceed \$\\sqrt (\d+) \\approx (\d+(?:\.\d+)?)\$"
    )
    assert epochs == root and bound == round(math.sqrt(epochs), 2)
    ratio, deff, smallest = quoted(
        r"a ratio above (\d+) needs a design effect above (\d+), so clusters of at least (\d+) items"
    )
    assert deff == ratio**2
    # at rho = 1 the design effect is m itself: the smallest cluster with sqrt(m) > 3
    assert smallest == min(m for m in range(1, 100) if math.sqrt(_deff(m, 1.0)) > ratio)


def test_paired_power_worked_number():
    (s_d,) = quoted(r"-epoch task means, about (\d+(?:\.\d+)?)\. If a change")
    drop, power, alpha, z_sum, s_d_again, delta, approx, tasks, epochs, per_arm = quoted(
        r"detecting a (\d+)-point drop with (\d+)% power at \$\\alpha = (\d+(?:\.\d+)?)\$ needs "
        r"\$T = (\d+(?:\.\d+)?)\^2 \\times (\d+(?:\.\d+)?)\^2 / (\d+(?:\.\d+)?)\^2 \\approx (\d+)\$, rounded up to "
        r"(\d+) tasks at (\d+) epochs each: (\d+) runs per configuration"
    )
    assert (power, alpha, s_d_again, delta) == (80, 0.05, s_d, drop / 100)
    assert z_sum == round(_z_sum(alpha, power / 100), 2)
    needed = _paired_tasks(s_d, drop / 100)
    assert approx == round(needed) and tasks == math.ceil(needed)
    assert per_arm == tasks * epochs


def test_run_counts_for_a_3_point_drop():
    low, low_base, high, high_base = quoted(
        r"about ([\d,]+) runs per configuration for a (\d+)% baseline to ([\d,]+) for a (\d+)% "
        r"baseline"
    )
    assert low == math.ceil(_runs_per_arm(low_base / 100, 0.03))
    assert high == math.ceil(_runs_per_arm(high_base / 100, 0.03))
    (base,) = quoted(r"what does this tell you about a 3-point drop from a (\d+)% baseline")
    (answer,) = quoted(r"the formula gives about ([\d,]+) before any design effect")
    assert answer == math.ceil(_runs_per_arm(base / 100, 0.03)) and answer > 300


def test_a_negligible_difference_with_a_million_runs():
    a, b, z, exponent = quoted(
        r"(\d+(?:\.\d+)?)% against (\d+(?:\.\d+)?)%, with a million runs per configuration, gives "
        r"\$z = (\d+(?:\.\d+)?)\$ and \$p < 10\^\{-(\d+)\}\$"
    )
    p_a, p_b, n = a / 100, b / 100, 1_000_000
    z_real = (p_b - p_a) / math.sqrt((p_a * (1 - p_a) + p_b * (1 - p_b)) / n)
    assert z == round(z_real, 1) and math.erfc(z_real / math.sqrt(2)) < 10**-exponent


def test_the_answers_to_questions_1_and_2():
    successes, runs = quoted(r"An agent succeeds in (\d+) of (\d+) runs")
    p = successes / runs
    se, low, high = quoted(
        r"\\approx (\d+(?:\.\d+)?)\$, so the interval is about .{0,60}?, roughly (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)\."
    )
    assert se == round(math.sqrt(p * (1 - p) / runs), 3)
    assert (low, high) == tuple(round(bound, 2) for bound in _wald(p, int(runs)))
    tasks, epochs, rho = quoted(
        r"The 200 runs are (\d+) tasks with (\d+) epochs each, and the intra-task correlation is "
        r"(\d+(?:\.\d+)?)"
    )
    assert tasks * epochs == runs
    (deff,) = quoted(r"\\mathrm\{DEFF\} = 1 \+ \(10 - 1\) \\times 0\.3 = (\d+(?:\.\d+)?)\$")
    assert deff == round(_deff(int(epochs), rho), 2)
    (effective,) = quoted(r"\$200 / 3\.7 \\approx (\d+)\$")
    (ratio,) = quoted(r"\\sqrt\{3\.7\} \\approx (\d+(?:\.\d+)?)\$")
    assert effective == round(runs / deff) and ratio == round(math.sqrt(deff), 1)


# --- the glued numbers, on the chapter's own data ------------------------------------------


@pytest.fixture
def chapter_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Run the chapter's code cells in this process; return their namespace and what they glue."""
    import jupytext
    import matplotlib
    import myst_nb

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    glued: dict[str, Any] = {}

    def record(name: str, value: Any, display: bool = True) -> None:
        glued[name] = value

    monkeypatch.setattr(myst_nb, "glue", record)
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    namespace: dict[str, Any] = {"__name__": "chapter5"}
    notebook = jupytext.reads(CHAPTER.read_text(encoding="utf-8"), fmt="md:myst")
    for index, cell in enumerate(notebook.cells):
        # The explorer needs a live kernel for its widgets; it computes nothing the text quotes.
        if cell.cell_type != "code" or "ipywidgets" in cell.source:
            continue
        exec(compile(cell.source, f"{CHAPTER.name}, code cell {index}", "exec"), namespace)
        plt.close("all")
    yield namespace, glued


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_glued_numbers_follow_the_formulas(chapter_run):
    namespace, glued = chapter_run
    runs = namespace["runs"]
    epochs = int(glued["ch5_epochs"])
    rate = runs.groupby("effort")["success"].mean()
    per_task = runs.pivot_table(index="task", columns="effort", values="success", aggfunc="mean")

    # the headline run count: a 3-point drop from the measured high-effort baseline
    assert glued["ch5_runs_3pts"] == math.ceil(_runs_per_arm(float(rate["high"]), 0.03))
    n_arm = int((runs["effort"] == "high").sum())
    mde = _z_sum() * math.sqrt(2 * rate["high"] * (1 - rate["high"]) / n_arm)
    assert math.isclose(glued["ch5_mde"], 100 * mde)

    # the paired worked number rests on the measured s_d, which the text rounds to 0.10
    differences = per_task["high"] - per_task["medium"]
    s_d = float(differences.std(ddof=1))
    assert math.isclose(glued["ch5_sd_diff"], s_d)
    (s_d_text,) = quoted(r"-epoch task means, about (\d+(?:\.\d+)?)\. If a change")
    assert round(s_d, 2) == s_d_text

    # clustered SEs: never above sqrt(epochs) times the naive ones
    for effort, group in runs.groupby("effort"):
        x = group["success"].astype(float)
        p, n = x.mean(), len(x)
        clustered = math.sqrt(((x - p).groupby(group["task"]).sum() ** 2).sum()) / n
        naive = math.sqrt(p * (1 - p) / n)
        assert math.isclose(glued[f"ch5_ratio_{effort}"], clustered / naive)
        assert clustered / naive <= math.sqrt(epochs) + 1e-12

    # the test of the primer, unpaired and paired
    se_unpaired = float(glued["ch5_se_unpaired"])
    z = (rate["high"] - rate["medium"]) / se_unpaired
    assert math.isclose(glued["ch5_z"], z)
    assert math.isclose(glued["ch5_p_two"], 2 * (1 - NormalDist().cdf(abs(z))))
    assert math.isclose(glued["ch5_p_one"], 1 - NormalDist().cdf(z))
    assert math.isclose(glued["ch5_power_5pts"], NormalDist().cdf(0.05 / se_unpaired - Z95))
    assert math.isclose(glued["ch5_mde_unpaired"], 100 * _z_sum() * se_unpaired)
    z_paired = differences.mean() / (s_d / math.sqrt(len(differences)))
    assert math.isclose(glued["ch5_z_paired"], z_paired)
    # the words the text uses about them
    assert glued["ch5_p_two"] > 0.05 > glued["ch5_p_paired"]
