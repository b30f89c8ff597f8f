import numpy as np
import pytest

from utils import filters


def test_hand_designed_filters_are_zero_mean_unit_norm():
    templates = filters.hand_designed(5)
    assert set(templates) == {"X", "horizontal edge", "vertical edge"}
    for t in templates.values():
        assert t.shape == (5, 5)
        assert abs(t.sum()) < 1e-12 and np.linalg.norm(t) == pytest.approx(1.0)
    np.testing.assert_allclose(templates["vertical edge"], templates["horizontal edge"].T)
    assert templates["X"][0, 0] > 0 and templates["X"][0, 1] < 0
    for bad in (4, 1, 5.0, True):
        with pytest.raises(ValueError):
            filters.hand_designed(bad)


def test_cosine_matrix_ignores_sign_and_scale():
    a = np.random.default_rng(0).normal(size=(3, 3, 1, 4))
    cos = filters.cosine_matrix(a, -3 * a)
    np.testing.assert_allclose(np.diag(cos), 1.0)
    assert cos.shape == (4, 4) and np.all(cos <= 1 + 1e-12)
    with pytest.raises(ValueError):
        filters.cosine_matrix(a, np.ones((5, 5, 1, 4)))
    with pytest.raises(ValueError):
        filters.cosine_matrix(np.zeros((3, 3, 1, 2)), a)


def test_signed_cosine_tells_a_filter_from_its_negative():
    a = np.random.default_rng(0).normal(size=(3, 3, 1, 4))
    np.testing.assert_allclose(np.diag(filters.cosine_matrix(a, -3 * a, signed=True)), -1.0)
    # negated filters: |cos| calls them the same, the signed matching does not
    assert filters.matched_similarity(a, -a)[1] == pytest.approx(1.0)
    assert filters.matched_similarity(a, -a, signed=True)[1] < 0.5
    # a relabelled copy: the signed matching undoes the relabelling as the unsigned one does
    b = a[..., [2, 0, 3, 1]]
    np.testing.assert_array_equal(b[..., filters.matched_order(a, b, signed=True)], a)


def test_best_match_finds_a_planted_template():
    template = filters.hand_designed(5)["X"]
    kernel = np.random.default_rng(1).normal(size=(5, 5, 1, 8))
    kernel[:, :, 0, 5] = 2 * template + 7.0  # scaled and offset: the mean is removed before comparing
    assert filters.best_match(kernel, template) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        filters.best_match(kernel[:, :, 0, :], template)


def test_matched_similarity_undoes_a_permutation():
    a = np.random.default_rng(2).normal(size=(3, 3, 2, 6))
    by_index, matched = filters.matched_similarity(a, a[..., [3, 1, 5, 0, 2, 4]])
    assert matched == pytest.approx(1.0) and by_index < 1.0
    with pytest.raises(ValueError):
        filters.matched_similarity(a, a[..., :5])


def test_most_similar_pair():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(500, 3))
    x[:, 2] = 2 * x[:, 0] + 0.01 * rng.normal(size=500)
    assert filters.most_similar_pair(x) > 0.99
    dead = np.column_stack([rng.normal(size=100), np.zeros(100)])
    assert filters.most_similar_pair(dead) == 0.0
    with pytest.raises(ValueError):
        filters.most_similar_pair(np.ones(5))


def test_patch_directions_find_the_span_of_structured_images():
    # Images made only of horizontal stripes: every 3×3 patch is constant along rows, so the
    # patches span at most 3 directions and a vertical-stripe template lies outside them.
    rng = np.random.default_rng(0)
    rows = rng.standard_normal((20, 10, 1, 1))
    images = np.repeat(rows, 10, axis=2)
    directions, share = filters.patch_directions(images, 3)
    assert directions.shape == (9, 9) and share.shape == (9,)
    assert share[:3].sum() == pytest.approx(1.0) and np.all(np.diff(share) <= 1e-12)
    horizontal = np.outer([1.0, 0.0, -1.0], [1.0, 1.0, 1.0])  # varies down the rows, constant along them
    vertical = horizontal.T
    assert filters.share_in_span(horizontal, directions[:, :3]) == pytest.approx(1.0)
    assert filters.share_in_span(vertical, directions[:, :3]) < 0.2


def test_random_filters_in_span_stay_in_the_span_and_check_input():
    rng = np.random.default_rng(1)
    images = np.repeat(rng.standard_normal((20, 10, 1, 1)), 10, axis=2)
    directions, share = filters.patch_directions(images, 3)
    sets = filters.random_filters_in_span(directions, share, 3, 4, 5, rng)
    assert sets.shape == (5, 3, 3, 1, 4)
    assert filters.share_in_span(sets[0], directions[:, :3]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        filters.random_filters_in_span(directions, share, 5, 4, 5, rng)
    with pytest.raises(ValueError):
        filters.patch_directions(images[..., 0], 3)
    with pytest.raises(ValueError):
        filters.share_in_span(np.zeros((3, 3)), directions)


def test_matched_order_undoes_a_relabelling():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(3, 3, 1, 6))
    permutation = np.array([4, 0, 5, 2, 1, 3])
    noisy = reference[..., permutation] + 0.05 * rng.normal(size=(3, 3, 1, 6))
    order = filters.matched_order(reference, noisy)
    np.testing.assert_array_equal(permutation[order], np.arange(6))
    assert filters.matched_similarity(reference, noisy[..., order])[0] > 0.95  # paired by index now
    with pytest.raises(ValueError):
        filters.matched_order(reference, reference[..., :5])
