"""The note's states end to end: C's NaN born in the decoder at iteration 1, E finite."""

from __future__ import annotations

import math

import pytest

from experiments import note_states
from experiments.lib.data import blob_mask, raw_images
from experiments.lib.images import write_png
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(note_states)


def steps(result, name):
    return result["states"][name]["steps"]


def test_it_reproduces_and_every_claim_holds(result):
    assert result["reproduced"] is True
    assert result["claims"] and all(result["claims"].values())


def test_state_c_is_finite_at_iteration_0_and_nan_at_1_born_in_the_decoders_adaconv(result):
    c0, c1 = steps(result, "C")[:2]
    # Real code: iteration 0 finite (G_loss 197 on real images), no parameter NaN after the
    # step, and at iteration 1 the NaN is born in netG.AdaOctConv3_1.AdaConv_h.
    assert math.isfinite(c0["G_loss"]) and 50 < c0["G_loss"] < 600
    assert c0["params_nan_fraction"] == 0.0
    assert c1["G_loss"] == "nan" and c1["born"]["module"] == "netG.AdaOctConv3_1.AdaConv_h"
    assert c1["born"]["nan"] is True and c1["born"]["inputs_finite"] is True
    assert c1["max_abs"]["netS"] > 1e15  # the re-aliased kernel: netS(style) explodes (8.9e18 on real images)


def test_state_a_is_born_in_the_contrastive_efdm_at_iteration_0(result):
    a0 = steps(result, "A")[0]
    assert a0["born"]["module"].startswith("loss.contrast.efdm") and a0["G_contrast"] == "nan"


def test_the_notes_end_e_trains_without_nan_at_enormous_losses(result):
    e = steps(result, "E")
    assert all(math.isfinite(s["G_loss"]) and s["params_nan_fraction"] == 0.0 and s["born"] is None for s in e)
    # Real code: G_loss 184 -> 4.3e19 -> 1.1e19 ("loss from 20 digits down to 3", no NaN).
    # Iteration 0 within x3 (an untrained model's loss: the VGG stand-in's draw and the images
    # set it); after one Adam step within two orders of magnitude (the explosion's size depends
    # on the draw: ours is 3e19 at 64 px, 9e18 at 32), and falling from iteration 1 to 2 as the
    # real code's does.
    assert 184 / 3 < e[0]["G_loss"] < 184 * 3
    assert 4.3e19 / 100 < e[1]["G_loss"] < 4.3e19 * 100
    assert 1.1e19 / 100 < e[2]["G_loss"] < e[1]["G_loss"]


def test_f_and_g_train_finite_g_because_of_its_clamps(result):
    f, g = steps(result, "F"), steps(result, "G")
    assert all(math.isfinite(s["G_loss"]) for s in f + g)
    fixed = steps(result, "fixed")[0]["G_loss"]
    assert f[0]["G_loss"] > 1e5 * fixed and f[0]["G_loss"] > f[1]["G_loss"] > f[2]["G_loss"]
    # G stays near an untrained model's loss, its clamps bounding every partial conv's output.
    assert 10 < g[0]["G_loss"] < 2000 and max(s["G_loss"] for s in g) < 2 * g[0]["G_loss"]


@pytest.fixture(scope="module")
def at64() -> dict:
    return run_quick(note_states, states=("E", "F", "G"), size=64)


def test_at_64_px_e_f_and_g_give_the_real_codes_losses_on_the_same_inputs(at64):
    # The repository's own classes (c75d6d6 for E, 64dc22a for F, 84980ac for G), run on
    # these inputs (seed 0, 64 px, batch 2, the two seeded rectangles, this VGG stand-in at
    # --quick width, images normalised as each state did): E 120.9, 2.03e19, 3.50e18;
    # F 3.065e7, 2.947e7, 3.107e6; G 27.82, 27.85, 27.81. The facts file's F (2.1e9, 1.8e9,
    # 7.5e8) was taken with the repository's mask files: the next test and `--images`.
    loss = {name: [s["G_loss"] for s in steps(at64, name)] for name in ("E", "F", "G")}
    assert loss["F"] == pytest.approx([3.065e7, 2.947e7, 3.107e6], rel=0.05)
    assert loss["G"] == pytest.approx([27.82, 27.85, 27.81], rel=0.02)
    assert loss["E"][:2] == pytest.approx([120.9, 2.03e19], rel=0.05)
    # E's iteration 2 is 2.5e18 here against 3.50e18: after two Adam steps on losses near
    # 1e19 the runs part (not explained; iterations 0 and 1 agree), so only the order is held.
    assert 3.50e18 / 2 < loss["E"][2] < 3.50e18 * 2


def test_fs_loss_is_set_by_the_masks_shape_and_the_fixs_is_not(result, at64):
    # A ragged figure border makes the first partial convs' border windows (49 / valid
    # pixels) larger in every state; F's two x64 grouped layers carry that to the output.
    for r in (result, at64):
        f = r["masks"]["F"]
        assert f["figure"]["G_loss"] > 100 * f["rect"]["G_loss"]
        assert f["figure"]["netS_max_abs"] > 5 * f["rect"]["netS_max_abs"]
    for m in result["masks"]["fixed"].values():
        assert 10 < m["G_loss"] < 1e4


def pairs_folder(root, n: int):
    styles, masks = root / "styles", root / "masks"
    styles.mkdir(parents=True)
    masks.mkdir()
    for i in range(n):
        write_png(styles / f"s{i}.png", raw_images(1, 32, 7, i)[0])
        write_png(masks / f"m{i}.png", blob_mask(1, 32, 7, i)[0])
    return root


def test_images_runs_the_states_on_real_pairs_too(tmp_path):
    r = run_quick(note_states, states=("F",), images=pairs_folder(tmp_path / "pairs", 2))
    real = r["images"]
    assert real["pairs"] == 2 and real["mask_values_fractional"] > 0  # the pipeline's bilinear Resize softens the edges
    f = real["states"]["F"]["steps"]
    assert len(f) == 3 and all(math.isfinite(s["G_loss"]) for s in f)
    assert f[0]["G_loss"] != steps(r, "F")[0]["G_loss"]  # other inputs, not the seeded ones again


def test_images_with_fewer_pairs_than_the_batch_is_a_clear_error(tmp_path):
    folder = pairs_folder(tmp_path / "one", 1)
    with pytest.raises(SystemExit, match="1 style / mask pairs, the batch needs 2"):
        run_quick(note_states, states=("F",), images=folder)


def test_the_fix_is_finite_with_g_contrast_lambda_times_batch(result):
    for s in steps(result, "fixed"):
        assert s["born"] is None and s["G_contrast"] == pytest.approx(10, rel=0.1)
