"""Image data for the degradation experiment, offline: synthetic CIFAR-sized images, or local CIFAR-10 files.

**synthetic_shapes** draws a 10-class dataset of 32x32 colour images, the size and format of CIFAR-10
(50,000 training and 10,000 test images by default, uint8, balanced classes). A class is a *shape* and a
*texture* together::

    shapes    disc, square, triangle, cross, five-petal flower
    textures  solid, striped (stripes 2.5-4 px apart, at a random angle in the object's own frame)
    class     shape index + 5 * texture index: 0 solid disc ... 4 solid flower,
              5 striped disc ... 9 striped flower

Everything else is a nuisance the network has to learn to ignore:

- the object's position (centre anywhere in the middle 16x16 px), size (radius 7-12 px), rotation and aspect
  (up to 1.3:1) are random; shapes are anti-aliased, so scale and position change every pixel;
- its colour is random (one base colour, stripes a darker or lighter shade of it), and so is the background: a
  random colour with a linear gradient in a random direction; object and background always differ by a
  clear colour offset, but which is brighter is random;
- clutter: one to three smaller distractor objects (radius 3-6 px) of random shape, texture and colour,
  drawn *behind* the main object, so the class is "what the largest object is", not "which shapes occur";
- Gaussian pixel noise (sigma 0.03-0.08 of the range).

Why these choices: no colour, position or single-pixel statistic carries the label (a nearest-class-mean
classifier on raw pixels is barely above chance, see the tests), so a network must build translation-,
rotation- and colour-invariant shape and texture features, the job convolutions do on CIFAR-10. Telling a
striped triangle from a striped cross at 7 px radius behind clutter takes several layers of features; the
task is hard enough that the 20- to 56-layer networks do not all fit it at once, which is where the
paper's optimisation difference between plain and residual nets shows. It is not CIFAR-10: absolute
errors are not comparable with the paper's; the comparison plain vs residual at equal depth is the point.

Generation is vectorised in torch (per-pixel signed distances of all images at once, in chunks) and seeded
with a local ``torch.Generator``: the same ``seed`` gives the same images on any machine, and torch's global
random state is untouched. 60,000 images take a few seconds on two cores.

**load_cifar10** reads the standard "CIFAR-10 python version" folder (``data_batch_1`` ... ``data_batch_5``,
``test_batch``, ``batches.meta``) with no download.

**normalize** and **augment** implement the paper's input pipeline (section 4.2) as batched tensor ops that
run wherever the data lives (CPU or GPU): per-channel mean/std normalisation, then 4 zero pixels of padding
on each side, a random 32x32 crop and a random horizontal flip. Padding after normalisation means the pad is
the mean colour, as in the paper, whose inputs are mean-subtracted.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path

import torch

from cnnviz.validate import integer, positive_int

__all__ = [
    "CIFAR10_CLASSES",
    "SYNTHETIC_CLASSES",
    "ImageDataset",
    "augment",
    "channel_stats",
    "download_cifar10",
    "load_cifar10",
    "normalize",
    "synthetic_shapes",
]

SHAPES = ("disc", "square", "triangle", "cross", "flower")
TEXTURES = ("solid", "striped")
SYNTHETIC_CLASSES = tuple(f"{texture} {shape}" for texture in TEXTURES for shape in SHAPES)
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)
SIZE = 32
PAD = 4  # the paper: "4 pixels are padded on each side, and a 32x32 crop is randomly sampled"


@dataclass(frozen=True)
class ImageDataset:
    """Train and test images, uint8 (N, 3, 32, 32), with int64 labels (N,)."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...]

    def subset(self, n_train: int | None, n_test: int | None) -> ImageDataset:
        """The first ``n_train`` training and ``n_test`` test images (None: all)."""
        sizes = (("n_train", n_train, len(self.y_train)), ("n_test", n_test, len(self.y_test)))
        for param, value, limit in sizes:
            bad = isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= limit
            if value is not None and bad:
                raise ValueError(f"{self.name}: {param} must be an integer in [1, {limit}], got {value!r}")
        return ImageDataset(
            self.name, self.x_train[:n_train], self.y_train[:n_train], self.x_test[:n_test],
            self.y_test[:n_test], self.classes,
        )


# --- synthetic shapes ---------------------------------------------------------------------------


def _signed_distance(shape: torch.Tensor, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Signed distance (negative inside) to each image's shape, in units of its radius.

    shape: (M,) indices into SHAPES; u, v: (M, H, W) pixel coordinates in the object's own frame.
    Each image computes only its own shape's distance.
    """
    out = torch.empty_like(u)
    for index, name in enumerate(SHAPES):
        rows = (shape == index).nonzero().squeeze(1)
        if rows.numel() == 0:
            continue
        a, b = u[rows], v[rows]
        if name == "disc":
            d = torch.sqrt(a * a + b * b) - 1.0
        elif name == "square":
            d = torch.maximum(a.abs(), b.abs()) - 0.8
        elif name == "triangle":  # equilateral, inscribed in the unit circle, three half-planes
            d = torch.maximum(torch.maximum(-b, 0.866 * a + 0.5 * b), -0.866 * a + 0.5 * b) - 0.5
        elif name == "cross":  # two bars of half-width 0.3 and half-length 1
            bar1 = torch.maximum(a.abs() - 1.0, b.abs() - 0.3)
            bar2 = torch.maximum(a.abs() - 0.3, b.abs() - 1.0)
            d = torch.minimum(bar1, bar2)
        else:  # flower: radius 0.6 +- 0.4 with five petals
            r = torch.sqrt(a * a + b * b)
            d = r - (0.6 + 0.4 * torch.cos(5 * torch.atan2(b, a)))
        out[rows] = d
    return out


def _draw_objects(
    canvas: torch.Tensor, centre: torch.Tensor, radius: torch.Tensor, gen: torch.Generator, *,
    shape: torch.Tensor, striped: torch.Tensor,
) -> None:
    """Paint one object per image onto ``canvas`` (M, 3, S, S) in place; random pose, colour, stripes.

    ``centre`` (M, 2) is (x, y) in the canvas's pixel coordinates, ``radius`` (M,) in pixels.
    """
    m, size = canvas.shape[0], canvas.shape[-1]
    grid = torch.arange(size, dtype=torch.float32) + 0.5
    angle = torch.rand(m, generator=gen) * 2 * math.pi
    stretch = (1 + 0.3 * torch.rand(m, generator=gen)).sqrt().view(m, 1, 1)  # aspect ratio up to 1.3
    cos, sin = torch.cos(angle).view(m, 1, 1), torch.sin(angle).view(m, 1, 1)
    dx = grid.view(1, 1, size) - centre[:, 0].view(m, 1, 1)  # (M, 1, S)
    dy = grid.view(1, size, 1) - centre[:, 1].view(m, 1, 1)  # (M, S, 1)
    r = radius.view(m, 1, 1)
    u = (cos * dx + sin * dy) / (r * stretch)  # (M, S, S) the object's own frame, radius 1
    v = (cos * dy - sin * dx) * (stretch / r)
    alpha = (0.5 - _signed_distance(shape, u, v) * r).clamp_(0, 1).unsqueeze(1)  # one-pixel soft edge

    # Object colour: the local background's colour shifted by 0.3-0.7 in each channel (mod 1), so it
    # always stands out, but in a random direction.
    colour = (canvas.mean(dim=(2, 3)) + 0.3 + 0.4 * torch.rand(m, 3, generator=gen)) % 1.0
    paint = colour.view(m, 3, 1, 1).expand(m, 3, size, size).clone()
    # Stripes (striped objects only): a square wave across the object at a random angle, period 2.5-4 px,
    # a darker or lighter shade of the colour.
    stripe_angle = torch.rand(m, generator=gen) * math.pi
    period = 2.5 + 1.5 * torch.rand(m, generator=gen)
    rows = striped.nonzero().squeeze(1)
    if rows.numel():
        k = (2 * math.pi / period[rows]).view(-1, 1, 1) * r[rows]
        along = torch.cos(stripe_angle[rows]).view(-1, 1, 1) * u[rows] + torch.sin(stripe_angle[rows]).view(
            -1, 1, 1
        ) * v[rows]
        wave = (torch.sin(k * along) > 0).unsqueeze(1)  # (M', 1, S, S)
        shade = torch.where(colour[rows].mean(1) > 0.5, -0.45, 0.45).view(-1, 1, 1, 1)
        paint[rows] = (paint[rows] + wave * shade).clamp_(0, 1)
    canvas.add_(alpha * (paint - canvas))


CLUTTER_WINDOW = 16  # clutter objects (radius <= 6 px, reach <= 8 px) are drawn on a 16x16 window


def _render(labels: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """(M,) labels -> (M, 3, 32, 32) float images in [0, 1]."""
    m = labels.numel()
    grid = torch.linspace(-1, 1, SIZE)
    # Background: random colour plus a linear gradient of up to +-0.15 in a random direction.
    base = 0.15 + 0.7 * torch.rand(m, 3, 1, 1, generator=gen)
    direction = torch.rand(m, generator=gen) * 2 * math.pi
    ramp = torch.cos(direction).view(m, 1, 1) * grid.view(1, 1, SIZE)
    ramp = ramp + torch.sin(direction).view(m, 1, 1) * grid.view(1, SIZE, 1)  # (M, H, W)
    strength = 0.15 * torch.rand(m, 3, 1, 1, generator=gen)
    canvas = (base + strength * ramp.unsqueeze(1)).clamp(0, 1)  # (M, 3, H, W)

    # Clutter behind the main object: 1-3 small objects of any shape and texture, each drawn on a window
    # around it (in a canvas padded by half a window, so windows may hang over the edge).
    half = CLUTTER_WINDOW // 2
    canvas = torch.nn.functional.pad(canvas, (half,) * 4, mode="replicate")  # (M, 3, H + 16, W + 16)
    n_clutter = 1 + torch.randint(0, 3, (m,), generator=gen)
    window = torch.arange(CLUTTER_WINDOW)
    for k in range(3):
        rows = (n_clutter > k).nonzero().squeeze(1)
        c = rows.numel()
        centre = 2 + 28 * torch.rand(c, 2, generator=gen)  # (x, y) in image pixels
        origin = centre.floor().long()  # window origin in padded pixels: centre - half + half
        index = (
            rows.view(c, 1, 1, 1), torch.arange(3).view(1, 3, 1, 1),
            (origin[:, 1].view(c, 1) + window).view(c, 1, CLUTTER_WINDOW, 1),
            (origin[:, 0].view(c, 1) + window).view(c, 1, 1, CLUTTER_WINDOW),
        )
        patch = canvas[index]  # (c, 3, 16, 16)
        _draw_objects(
            patch, centre - origin + half, 3 + 3 * torch.rand(c, generator=gen), gen,
            shape=torch.randint(0, len(SHAPES), (c,), generator=gen),
            striped=torch.randint(0, 2, (c,), generator=gen),
        )
        canvas[index] = patch
    canvas = canvas[:, :, half:-half, half:-half].contiguous()

    # The main object: its shape and texture are the label.
    _draw_objects(
        canvas, 8 + 16 * torch.rand(m, 2, generator=gen), 7 + 5 * torch.rand(m, generator=gen), gen,
        shape=labels % len(SHAPES), striped=labels // len(SHAPES),
    )
    sigma = 0.03 + 0.05 * torch.rand(m, 1, 1, 1, generator=gen)
    return canvas.add_(torch.randn(canvas.shape, generator=gen) * sigma).clamp_(0, 1)


def _synthetic_split(n: int, gen: torch.Generator, chunk: int) -> tuple[torch.Tensor, torch.Tensor]:
    classes = len(SYNTHETIC_CLASSES)
    labels = (torch.arange(n) % classes)[torch.randperm(n, generator=gen)]  # balanced: counts differ by <= 1
    images = torch.empty(n, 3, SIZE, SIZE, dtype=torch.uint8)
    for start in range(0, n, chunk):
        part = _render(labels[start : start + chunk], gen)
        images[start : start + chunk] = (part * 255).round().to(torch.uint8)
    return images, labels.to(torch.int64)


def synthetic_shapes(n_train: int = 50_000, n_test: int = 10_000, seed: int = 0) -> ImageDataset:
    """The synthetic 10-class shapes x textures dataset (see the module docstring); deterministic in ``seed``.

    The test set comes from its own random stream, so it does not depend on ``n_train``.
    """
    positive_int("synthetic_shapes", "n_train", n_train)
    positive_int("synthetic_shapes", "n_test", n_test)
    integer("synthetic_shapes", "seed", seed, minimum=0)
    chunk = 512  # small chunks keep the float intermediates (2 MB each) in cache
    train = _synthetic_split(n_train, torch.Generator().manual_seed(2 * seed), chunk)
    test = _synthetic_split(n_test, torch.Generator().manual_seed(2 * seed + 1), chunk)
    return ImageDataset("synthetic", train[0], train[1], test[0], test[1], SYNTHETIC_CLASSES)


# --- CIFAR-10 from local files ------------------------------------------------------------------

CIFAR10_FILES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch", "batches.meta")
_CIFAR_HELP = (
    "the folder must be the extracted 'CIFAR-10 python version' (cifar-10-python.tar.gz, the folder "
    "cifar-10-batches-py), holding " + ", ".join(CIFAR10_FILES)
)


def _read_batch(path: Path) -> tuple[torch.Tensor, torch.Tensor]:
    try:
        with path.open("rb") as f:
            batch = pickle.load(f, encoding="bytes")
    except (pickle.UnpicklingError, EOFError, ValueError) as error:
        raise ValueError(
            f"load_cifar10: {path} is not a CIFAR-10 python pickle ({error}); {_CIFAR_HELP}"
        ) from None
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        keys = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
        raise ValueError(f"load_cifar10: {path} must be a dict with keys b'data' and b'labels', got {keys}")
    data = torch.as_tensor(batch[b"data"]) if not isinstance(batch[b"data"], list) else None
    if data is None or data.dtype != torch.uint8 or data.dim() != 2 or data.shape[1] != 3 * SIZE * SIZE:
        got = tuple(data.shape) if data is not None else "a list"
        raise ValueError(f"load_cifar10: {path}: b'data' must be uint8 of shape (N, 3072), got {got}")
    labels = torch.as_tensor(list(batch[b"labels"]), dtype=torch.int64)
    in_range = labels.numel() == 0 or 0 <= int(labels.min()) <= int(labels.max()) <= 9
    if labels.shape != (data.shape[0],) or not in_range:
        raise ValueError(f"load_cifar10: {path}: b'labels' must be {data.shape[0]} integers in 0..9")
    return data.view(-1, 3, SIZE, SIZE), labels  # rows are channel-major: 1024 red, 1024 green, 1024 blue


CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_ARCHIVE_MD5 = "c58f30108f718f92721af3b95e74349a"  # the archive's published checksum (also torchvision's)
CIFAR10_FOLDER = "cifar-10-batches-py"


def download_cifar10(
    root: str | Path, *, url: str = CIFAR10_URL, md5: str = CIFAR10_ARCHIVE_MD5, timeout: float = 30.0,
    progress: bool = True,
) -> Path:
    """Download CIFAR-10 (about 170 MB) into ``root``, verify its checksum, extract it; returns the folder.

    Only ever called by a student who asks for it (the lab's opt-in cell, or their own code): nothing in the
    book's build or tests reaches the network. Returns ``root/cifar-10-batches-py`` at once if it already
    holds the files. The archive is written to a temporary file and extracted into a temporary folder, then
    renamed: an interrupted download, a wrong checksum or a failed extraction leaves nothing behind but a
    clear ``ValueError`` or ``ConnectionError``.
    """
    import hashlib
    import shutil
    import tarfile
    import tempfile
    import urllib.error
    import urllib.request

    from tqdm.auto import tqdm

    root = Path(root)
    target = root / CIFAR10_FOLDER
    if target.is_dir() and all((target / name).is_file() for name in CIFAR10_FILES):
        return target
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".cifar10-download-") as scratch:
        archive = Path(scratch) / "cifar-10-python.tar.gz"
        digest = hashlib.md5()
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, archive.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, desc="CIFAR-10", disable=not progress) as bar:
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ConnectionError(f"download_cifar10: could not download {url} ({reason}); check the network, "
                                  f"or download the archive yourself and pass its extracted folder") from None
        if digest.hexdigest() != md5:
            raise ValueError(f"download_cifar10: the archive from {url} has MD5 {digest.hexdigest()}, expected {md5} "
                             "(a corrupt or different file); nothing was kept")
        extracted = Path(scratch) / "extracted"
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(extracted, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise ValueError(f"download_cifar10: the archive does not extract ({error}); nothing was kept") from None
        found = extracted / CIFAR10_FOLDER
        missing = [name for name in CIFAR10_FILES if not (found / name).is_file()]
        if missing:
            raise ValueError(f"download_cifar10: the archive lacks {', '.join(missing)}; nothing was kept")
        if target.exists():
            shutil.rmtree(target)
        found.replace(target)
    return target


def load_cifar10(folder: str | Path) -> ImageDataset:
    """CIFAR-10 from a local folder in the standard python pickle format (no download)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"load_cifar10: no folder {folder}; {_CIFAR_HELP}")
    missing = [name for name in CIFAR10_FILES if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"load_cifar10: {folder} lacks {', '.join(missing)}; {_CIFAR_HELP}")
    train = [_read_batch(folder / f"data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = _read_batch(folder / "test_batch")
    with (folder / "batches.meta").open("rb") as f:
        meta = pickle.load(f, encoding="bytes")
    names = meta.get(b"label_names") if isinstance(meta, dict) else None
    classes = CIFAR10_CLASSES
    if names:
        classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)
    return ImageDataset(
        "cifar10", torch.cat([x for x, _ in train]), torch.cat([y for _, y in train]), x_test, y_test, classes
    )


# --- the paper's input pipeline -----------------------------------------------------------------


def channel_stats(images: torch.Tensor) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and std of uint8 images (N, 3, H, W), in [0, 1] units (computed on the train set)."""
    x = images.to(torch.float64) / 255
    return tuple(x.mean(dim=(0, 2, 3)).tolist()), tuple(x.std(dim=(0, 2, 3)).tolist())


def normalize(images: torch.Tensor, mean: tuple[float, ...], std: tuple[float, ...]) -> torch.Tensor:
    """uint8 (N, 3, H, W) -> float32 ``(x / 255 - mean) / std`` per channel, on the images' device."""
    m = torch.tensor(mean, dtype=torch.float32, device=images.device).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=torch.float32, device=images.device).view(1, -1, 1, 1)
    return (images.to(torch.float32) / 255 - m) / s


def augment(images: torch.Tensor, gen: torch.Generator, pad: int = PAD) -> torch.Tensor:
    """Zero-pad ``pad`` px on each side, take a random crop of the original size, flip half horizontally.

    ``images``: (N, C, H, W) on any device. The random offsets and flips (N of each) are drawn on the CPU
    from ``gen``, so the same generator state gives the same batch on CPU and GPU. The crop and the flip
    are one gather: output column j of image n reads padded column ``x0 + j`` (or ``x0 + W - 1 - j``).
    """
    n, c, h, w = images.shape
    y0 = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    x0 = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    cols = torch.arange(w)
    cols = x0[:, None] + torch.where(flip[:, None], w - 1 - cols, cols)  # (N, W)
    rows = y0[:, None] + torch.arange(h)  # (N, H)
    device = images.device
    padded = torch.nn.functional.pad(images, (pad, pad, pad, pad))  # (N, C, H + 2 pad, W + 2 pad), zeros
    index_n = torch.arange(n, device=device).view(n, 1, 1, 1)
    index_c = torch.arange(c, device=device).view(1, c, 1, 1)
    rows = rows.to(device, non_blocking=True).view(n, 1, h, 1)
    cols = cols.to(device, non_blocking=True).view(n, 1, 1, w)
    return padded[index_n, index_c, rows, cols]  # (N, C, H, W)
