"""The synthetic dataset, the CIFAR-10 loader (on fake files in the real format) and the augmentation."""

import pickle

import pytest
import torch

from cnnviz.experiments.data import (
    CIFAR10_CLASSES,
    SYNTHETIC_CLASSES,
    augment,
    channel_stats,
    load_cifar10,
    normalize,
    synthetic_shapes,
)


@pytest.fixture(scope="module")
def shapes():
    return synthetic_shapes(n_train=2000, n_test=500, seed=3)


def test_synthetic_shapes_dtypes_and_balance(shapes):
    assert shapes.x_train.shape == (2000, 3, 32, 32) and shapes.x_train.dtype == torch.uint8
    assert shapes.x_test.shape == (500, 3, 32, 32) and shapes.x_test.dtype == torch.uint8
    assert shapes.y_train.dtype == torch.int64 and shapes.y_test.dtype == torch.int64
    assert torch.bincount(shapes.y_train).tolist() == [200] * 10
    assert torch.bincount(shapes.y_test).tolist() == [50] * 10
    assert shapes.classes == SYNTHETIC_CLASSES and shapes.classes[0] == "solid disc"
    assert shapes.classes[9] == "striped flower"
    # the full dynamic range is used, not a narrow band
    assert int(shapes.x_train.min()) == 0 and int(shapes.x_train.max()) == 255


def test_synthetic_shapes_is_deterministic_and_leaves_global_rng_alone(shapes):
    state = torch.get_rng_state()
    again = synthetic_shapes(n_train=2000, n_test=500, seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(again.x_train, shapes.x_train) and torch.equal(again.y_train, shapes.y_train)
    assert torch.equal(again.x_test, shapes.x_test)
    other = synthetic_shapes(n_train=20, n_test=500, seed=4)
    assert not torch.equal(other.x_test, shapes.x_test)
    # the test set has its own random stream: it does not depend on n_train
    assert torch.equal(synthetic_shapes(n_train=10, n_test=500, seed=3).x_test, shapes.x_test)


def test_synthetic_shapes_unbalanced_sizes_differ_by_at_most_one():
    counts = torch.bincount(synthetic_shapes(n_train=23, n_test=7, seed=0).y_train, minlength=10)
    assert counts.sum() == 23 and int(counts.max() - counts.min()) == 1


def test_no_pixel_statistic_separates_the_classes(shapes):
    # Nearest class mean on raw pixels: near chance (10%), far from what a network must reach.
    x = shapes.x_train.float().flatten(1) / 255
    means = torch.stack([x[shapes.y_train == k].mean(0) for k in range(10)])
    test = shapes.x_test.float().flatten(1) / 255
    accuracy = (torch.cdist(test, means).argmin(1) == shapes.y_test).float().mean().item()
    assert accuracy < 0.25
    # nor does the mean colour of an image
    colour = shapes.x_train.float().mean(dim=(2, 3))  # (N, 3)
    class_colour = torch.stack([colour[shapes.y_train == k].mean(0) for k in range(10)])
    assert float(class_colour.std(0).max()) < 4  # class mean colours agree within a few grey levels


def test_synthetic_shapes_rejects_bad_sizes():
    with pytest.raises(ValueError, match=r"synthetic_shapes: n_train must be a positive integer, got 0"):
        synthetic_shapes(n_train=0)
    with pytest.raises(ValueError, match=r"seed must be a non-negative integer, got -1"):
        synthetic_shapes(10, 10, seed=-1)


def test_subset_takes_the_first_images_and_checks_sizes(shapes):
    small = shapes.subset(100, None)
    assert torch.equal(small.x_train, shapes.x_train[:100]) and len(small.y_test) == 500
    with pytest.raises(ValueError, match=r"synthetic: n_train must be an integer in \[1, 2000\], got 2001"):
        shapes.subset(2001, None)


# --- CIFAR-10 on fake files in the real format --------------------------------------------------


def _write_batch(path, data, labels):
    with path.open("wb") as f:
        batch = {b"batch_label": b"fake", b"labels": labels, b"data": data, b"filenames": []}
        pickle.dump(batch, f, protocol=2)


def _fake_cifar(folder, per_batch=4, test=3):
    import numpy as np

    rng = np.random.default_rng(0)
    for i in range(1, 6):
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        _write_batch(folder / f"data_batch_{i}", data, [int(v) for v in rng.integers(0, 10, per_batch)])
    data = rng.integers(0, 256, (test, 3072), dtype=np.uint8)
    _write_batch(folder / "test_batch", data, [1, 2, 3][:test])
    with (folder / "batches.meta").open("wb") as f:
        names = [name.encode() for name in CIFAR10_CLASSES]
        meta = {b"label_names": names, b"num_cases_per_batch": per_batch, b"num_vis": 3072}
        pickle.dump(meta, f, protocol=2)


def test_load_cifar10_reads_the_python_pickle_format(tmp_path):
    _fake_cifar(tmp_path)
    cifar = load_cifar10(tmp_path)
    assert cifar.name == "cifar10" and cifar.classes == CIFAR10_CLASSES
    assert cifar.x_train.shape == (20, 3, 32, 32) and cifar.x_train.dtype == torch.uint8
    assert cifar.x_test.shape == (3, 3, 32, 32)
    assert cifar.y_test.tolist() == [1, 2, 3] and cifar.y_train.dtype == torch.int64
    # rows are channel-major: the first 1024 bytes are the red plane, row by row
    with (tmp_path / "data_batch_2").open("rb") as f:
        raw = pickle.load(f, encoding="bytes")[b"data"]
    image = cifar.x_train[4]  # the first image of data_batch_2
    assert int(image[0, 0, 1]) == int(raw[0, 1])
    assert int(image[1, 0, 0]) == int(raw[0, 1024])
    assert int(image[2, 31, 31]) == int(raw[0, 3071])
    assert int(image[0, 1, 0]) == int(raw[0, 32])


def test_load_cifar10_names_the_missing_files(tmp_path):
    _fake_cifar(tmp_path)
    (tmp_path / "data_batch_3").unlink()
    (tmp_path / "test_batch").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks data_batch_3, test_batch; the folder must be the "
                                                 r"extracted 'CIFAR-10 python version'"):
        load_cifar10(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"load_cifar10: no folder .*nowhere; .*data_batch_1"):
        load_cifar10(tmp_path / "nowhere")


def test_load_cifar10_rejects_a_malformed_batch(tmp_path):
    import numpy as np

    _fake_cifar(tmp_path)
    _write_batch(tmp_path / "data_batch_1", np.zeros((2, 100), dtype=np.uint8), [0, 1])
    message = r"data_batch_1: b'data' must be uint8 of shape \(N, 3072\), got \(2, 100\)"
    with pytest.raises(ValueError, match=message):
        load_cifar10(tmp_path)
    (tmp_path / "data_batch_1").write_bytes(b"not a pickle")
    with pytest.raises(ValueError, match=r"data_batch_1 is not a CIFAR-10 python pickle"):
        load_cifar10(tmp_path)


# --- the paper's augmentation -------------------------------------------------------------------


def test_normalize_per_channel():
    images = torch.tensor([0, 255], dtype=torch.uint8).view(2, 1, 1, 1).expand(2, 3, 2, 2)
    mean, std = channel_stats(images)
    assert mean == pytest.approx((0.5,) * 3) and std == pytest.approx((0.5345,) * 3, abs=1e-4)
    out = normalize(images, (0.5, 0.25, 0.0), (0.5, 0.25, 1.0))
    assert out.dtype == torch.float32 and out.shape == (2, 3, 2, 2)
    assert out[0, :, 0, 0].tolist() == [-1.0, -1.0, 0.0] and out[1, :, 0, 0].tolist() == [1.0, 3.0, 1.0]


def test_augment_shapes_zero_padding_and_determinism():
    images = torch.ones(256, 3, 32, 32)
    out = augment(images, torch.Generator().manual_seed(0))
    assert out.shape == (256, 3, 32, 32) and out.dtype == torch.float32
    # every visible pad pixel is exactly zero; the image keeps at least 28 of 32 rows and columns
    assert set(out.unique().tolist()) == {0.0, 1.0}
    zero_rows = (out[:, 0].sum(2) == 0).sum(1)  # (N,) all-zero rows per image
    assert int(zero_rows.max()) == 4 and int(zero_rows.min()) == 0
    assert (out == 0).any(dim=(1, 2, 3)).float().mean() > 0.9  # 1 - (1/9)^2 of crops show padding
    again = augment(images, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)


def test_augment_flips_half_the_images_horizontally():
    ramp = torch.arange(32.0).view(1, 1, 1, 32).expand(400, 3, 32, 32)  # value = column index
    out = augment(ramp, torch.Generator().manual_seed(1), pad=0)  # no padding: crop is the identity
    flipped = (out[:, 0, 0, 0] == 31).float()
    assert torch.equal(out[flipped == 0], ramp[flipped == 0])
    assert torch.equal(out[flipped == 1], ramp[flipped == 1].flip(-1))
    assert 0.4 < flipped.mean() < 0.6


def test_augment_crop_is_a_shift_of_the_padded_image():
    image = torch.arange(1.0, 1025.0).view(1, 1, 32, 32).expand(64, 1, 32, 32)
    out = augment(image, torch.Generator().manual_seed(2))
    padded = torch.nn.functional.pad(image[0, 0], (4, 4, 4, 4))
    for crop in out[:, 0]:
        windows = [padded[y : y + 32, x : x + 32] for y in range(9) for x in range(9)]
        assert any(torch.equal(crop, w) or torch.equal(crop, w.flip(-1)) for w in windows)


# --- the opt-in download, against a server on this machine (the real endpoint is never reached in tests) ---


def _archive(tmp_path, *, corrupt=False):
    import io
    import tarfile

    folder = tmp_path / "src" / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    _fake_cifar(folder)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    data = buffer.getvalue()
    return data[: len(data) // 2] if corrupt else data


@pytest.fixture
def server():
    import http.server
    import threading

    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield files, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_download_verifies_the_checksum_and_extracts(tmp_path, server):
    import hashlib

    from cnnviz.experiments.data import download_cifar10

    files, base = server
    files["/c.tar.gz"] = data = _archive(tmp_path)
    root = tmp_path / "data"
    folder = download_cifar10(root, url=base + "/c.tar.gz", md5=hashlib.md5(data).hexdigest(), progress=False)
    assert folder == root / "cifar-10-batches-py" and load_cifar10(folder).x_train.shape == (20, 3, 32, 32)
    assert [p.name for p in root.iterdir()] == ["cifar-10-batches-py"]  # no archive or scratch left
    # a second call finds the folder and does not download again
    assert download_cifar10(root, url=base + "/gone", md5="0", progress=False) == folder


def test_download_failures_leave_nothing(tmp_path, server):
    import hashlib

    from cnnviz.experiments.data import download_cifar10

    files, base = server
    files["/c.tar.gz"] = _archive(tmp_path)
    root = tmp_path / "data"
    with pytest.raises(ValueError, match=r"has MD5 [0-9a-f]{32}, expected 0+ \(a corrupt or different file\)"):
        download_cifar10(root, url=base + "/c.tar.gz", md5="0" * 32, progress=False)
    files["/half.tar.gz"] = half = _archive(tmp_path, corrupt=True)
    with pytest.raises(ValueError, match="does not extract"):
        download_cifar10(root, url=base + "/half.tar.gz", md5=hashlib.md5(half).hexdigest(), progress=False)
    with pytest.raises(ConnectionError, match="could not download"):
        download_cifar10(root, url=base + "/missing.tar.gz", progress=False)
    with pytest.raises(ConnectionError, match="could not download"):
        download_cifar10(root, url="http://127.0.0.1:9/none", timeout=2, progress=False)  # nothing listens
    assert list(root.iterdir()) == []
