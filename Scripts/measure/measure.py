#!/usr/bin/env python3
"""Measure kernel times on a GPU and write them in memwall's measurement CSV format.

Cases: GEMM shapes (torch.matmul), device memory bandwidth (a copy), scaled-dot-product attention
in its flash and math backends, and decode attention (one query per sequence against a KV cache).
Each row carries its provenance: device name, driver, CUDA toolkit, library versions, date, and
source "measured". With Nsight Compute (`ncu`) on the PATH and --ncu, each case is profiled once
more and the DRAM and L2 bytes it moved go into bytes_<tier> columns.

    python3 Scripts/measure/measure.py --output Workloads/measurements/h100-measured.csv
    python3 Scripts/measure/measure.py --only gemm,copy --ncu --output gemm.csv
    memwall validate --hardware nvidia-h100-sxm-80gb --measurements gemm.csv --holdout

The format is described in docs/calibration.md. Requires PyTorch with CUDA; nothing else.
"""

import argparse
import csv
import datetime
import os
import shutil
import statistics
import subprocess
import sys

DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}

# Shape grids. GEMM: powers of two from small (launch- and wave-bound) to large (compute-bound),
# plus the skinny shapes of decode (m = batch).
GEMM_SIZES = [256, 512, 1024, 2048, 4096, 8192]
GEMM_SKINNY = [(m, n, k) for m in (1, 8, 32) for (n, k) in ((4096, 4096), (14336, 4096), (4096, 14336))]
COPY_ELEMENTS = [1 << p for p in (20, 22, 24, 26, 28)]
ATTENTION = [  # (batch, query heads, kv heads, seq, head dim, causal)
    (b, hq, hkv, s, d, c)
    for (b, s) in ((16, 512), (8, 1024), (4, 2048), (2, 4096), (1, 8192), (1, 16384))
    for (hq, hkv, d) in ((32, 32, 128), (32, 8, 128), (16, 16, 64))
    for c in (0, 1)
]
DECODE = [(b, 32, 8, skv, 128) for b in (1, 8, 32) for skv in (1024, 4096, 16384, 32768)]
# One Llama-3-8B-shaped layer (hidden 4096, 32 query / 8 KV heads, MLP 14336): prefill of a prompt,
# and decode steps against a KV cache. (variant, batch, new tokens, cached tokens)
LAYER_SHAPE = {"h": 4096, "hq": 32, "hkv": 8, "ffn": 14336}
LAYER = [("prefill", 1, s, 0) for s in (512, 2048, 8192)] + \
        [("decode", b, 1, ctx) for b in (1, 8, 32, 64) for ctx in (1024, 8192)]
KERNELS = ("gemm", "copy", "attention", "decode_attention", "layer")

NCU_METRICS = {"hbm": ["dram__bytes_read.sum", "dram__bytes_write.sum"], "l2": ["lts__t_bytes.sum"]}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--output", required=True, help="CSV file to write")
    p.add_argument("--only", default=",".join(KERNELS), help="comma-separated kernels: " + ", ".join(KERNELS))
    p.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--repeats", type=int, default=50, help="timed runs per case; the median is written")
    p.add_argument("--flush-l2", action="store_true", help="overwrite a buffer larger than L2 before every timed run")
    p.add_argument("--ncu", action="store_true", help="profile each case with Nsight Compute for DRAM/L2 bytes")
    p.add_argument("--hbm-tier", default="hbm", help="memwall tier name for DRAM bytes (column bytes_<name>)")
    p.add_argument("--l2-tier", default="l2", help="memwall tier name for L2 bytes")
    p.add_argument("--single", type=int, help=argparse.SUPPRESS)  # run case N once (under ncu)
    return p.parse_args()


def cases(only, dtype):
    """Every case as (kernel, variant, shape dict)."""
    wanted = set(only.split(","))
    unknown = wanted - set(KERNELS)
    if unknown:
        sys.exit(f"measure.py: unknown kernel(s) {sorted(unknown)}; expected {', '.join(KERNELS)}")
    out = []
    if "gemm" in wanted:
        out += [("gemm", "", {"m": m, "n": n, "k": k}) for m in GEMM_SIZES for n in GEMM_SIZES for k in GEMM_SIZES]
        out += [("gemm", "", {"m": m, "n": n, "k": k}) for (m, n, k) in GEMM_SKINNY]
    if "copy" in wanted:
        out += [("copy", "", {"n": n}) for n in COPY_ELEMENTS]
    if "attention" in wanted:
        for variant in ("flash", "math"):
            for (b, hq, hkv, s, d, c) in ATTENTION:
                if variant == "math" and b * hq * s * s * 4 > 8 << 30:
                    continue  # the math backend materialises b x h x s x s scores; skip what would not fit
                out.append(("attention", variant, {"b": b, "hq": hq, "hkv": hkv, "sq": s, "skv": s, "d": d, "causal": c}))
    if "decode_attention" in wanted:
        out += [("decode_attention", "", {"b": b, "hq": hq, "hkv": hkv, "skv": skv, "d": d})
                for (b, hq, hkv, skv, d) in DECODE]
    if "layer" in wanted:
        out += [("layer", variant, dict(LAYER_SHAPE, seq=seq, b=b, ctx=ctx)) for (variant, b, seq, ctx) in LAYER]
    return out


def shape_text(shape):
    return " ".join(f"{k}={v}" for k, v in shape.items())


def build(torch, kernel, variant, shape, dtype):
    """Allocates the operands and returns a function that runs the kernel once."""
    dev = "cuda"
    t = getattr(torch, DTYPES[dtype])
    F = torch.nn.functional
    if kernel == "gemm":
        a = torch.randn(shape["m"], shape["k"], device=dev, dtype=t)
        b = torch.randn(shape["k"], shape["n"], device=dev, dtype=t)
        return lambda: torch.matmul(a, b)
    if kernel == "copy":
        x = torch.empty(shape["n"], device=dev, dtype=t).uniform_()
        y = torch.empty_like(x)
        return lambda: y.copy_(x)
    if kernel == "attention":
        b, hq, hkv, s, d = shape["b"], shape["hq"], shape["hkv"], shape["sq"], shape["d"]
        q = torch.randn(b, hq, s, d, device=dev, dtype=t)
        k = torch.randn(b, hkv, shape["skv"], d, device=dev, dtype=t)
        v = torch.randn_like(k)
        backend = sdpa_backend(torch, variant)
        gqa = {"enable_gqa": True} if hkv != hq else {}
        causal = bool(shape["causal"])

        def run():
            with torch.nn.attention.sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v, is_causal=causal, **gqa)
        return run
    if kernel == "decode_attention":
        b, hq, hkv, skv, d = shape["b"], shape["hq"], shape["hkv"], shape["skv"], shape["d"]
        q = torch.randn(b, hq, 1, d, device=dev, dtype=t)
        k = torch.randn(b, hkv, skv, d, device=dev, dtype=t)
        v = torch.randn_like(k)
        try:  # FlashAttention's split-KV decode kernel when installed, else SDPA (flash-decoding inside)
            from flash_attn import flash_attn_with_kvcache
            qf, kf, vf = q.transpose(1, 2).contiguous(), k.transpose(1, 2).contiguous(), v.transpose(1, 2).contiguous()
            return lambda: flash_attn_with_kvcache(qf, kf, vf, causal=True)
        except ImportError:
            gqa = {"enable_gqa": True} if hkv != hq else {}
            return lambda: F.scaled_dot_product_attention(q, k, v, **gqa)
    if kernel == "layer":
        return transformer_layer(torch, shape, t)
    raise ValueError(kernel)


def transformer_layer(torch, shape, t):
    """One Llama-style layer as memwall's model builder describes it: RMSNorm, Q/K/V projections,
    RoPE, KV-cache write, causal GQA attention over cache + new tokens, output projection, residual
    add, RMSNorm, SwiGLU MLP, residual add. Eager PyTorch, one kernel per op (no fusion)."""
    F = torch.nn.functional
    dev = "cuda"
    b, s, h, hq, hkv, ffn, ctx = (shape[k] for k in ("b", "seq", "h", "hq", "hkv", "ffn", "ctx"))
    d = h // hq

    def w(*dims):
        return torch.randn(*dims, device=dev, dtype=t) / dims[0] ** 0.5

    wq, wk, wv, wo = w(h, hq * d), w(h, hkv * d), w(h, hkv * d), w(hq * d, h)
    wg, wu, wd = w(h, ffn), w(h, ffn), w(ffn, h)
    n1, n2 = torch.ones(h, device=dev, dtype=t), torch.ones(h, device=dev, dtype=t)
    x = torch.randn(b, s, h, device=dev, dtype=t)
    k_cache = torch.randn(b, hkv, ctx + s, d, device=dev, dtype=t)
    v_cache = torch.randn_like(k_cache)
    cos = torch.randn(s, d, device=dev, dtype=t)
    sin = torch.randn(s, d, device=dev, dtype=t)
    gqa = {"enable_gqa": True} if hkv != hq else {}

    def rms(y, weight):
        return y * torch.rsqrt(y.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(t) * weight

    def rope(y):  # rotate-half RoPE on [b, heads, s, d]
        half = y.shape[-1] // 2
        rotated = torch.cat((-y[..., half:], y[..., :half]), dim=-1)
        return y * cos + rotated * sin

    def run():
        y = rms(x, n1)
        q = (y @ wq).view(b, s, hq, d).transpose(1, 2)
        k = (y @ wk).view(b, s, hkv, d).transpose(1, 2)
        v = (y @ wv).view(b, s, hkv, d).transpose(1, 2)
        q, k = rope(q), rope(k)
        k_cache[:, :, ctx:] = k
        v_cache[:, :, ctx:] = v
        # Causal with queries aligned to the end of the keys; a single query sees every key.
        causal = s > 1
        if causal and ctx > 0:
            mask = torch.ones(s, ctx + s, device=dev, dtype=torch.bool).tril(diagonal=ctx)
            o = F.scaled_dot_product_attention(q, k_cache, v_cache, attn_mask=mask, **gqa)
        else:
            o = F.scaled_dot_product_attention(q, k_cache, v_cache, is_causal=causal, **gqa)
        z = x + o.transpose(1, 2).reshape(b, s, hq * d) @ wo
        y = rms(z, n2)
        return z + (F.silu(y @ wg) * (y @ wu)) @ wd
    return run


def sdpa_backend(torch, variant):
    from torch.nn.attention import SDPBackend
    return {"flash": SDPBackend.FLASH_ATTENTION, "math": SDPBackend.MATH}[variant]


def time_case(torch, run, warmup, repeats, flush):
    """Median of `repeats` runs timed with CUDA events (seconds)."""
    scrub = None
    if flush:
        l2 = getattr(torch.cuda.get_device_properties(0), "L2_cache_size", 64 << 20)
        scrub = torch.empty(2 * l2 // 4 + 1, device="cuda", dtype=torch.float32)
    for _ in range(warmup):
        run()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        if scrub is not None:
            scrub.zero_()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        run()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000.0)
    return statistics.median(times)


def provenance(torch):
    driver = "not found"
    if shutil.which("nvidia-smi"):
        try:
            driver = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                    capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
        except (subprocess.SubprocessError, IndexError):
            pass
    library = f"torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}"
    try:
        import flash_attn
        library += f", flash-attn {flash_attn.__version__}"
    except ImportError:
        pass
    return {
        "device": torch.cuda.get_device_name(0),
        "driver": f"driver {driver}, CUDA {torch.version.cuda}",
        "library": library,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
        "source": "measured",
    }


def ncu_bytes(index, args):
    """DRAM and L2 bytes of case `index`, summed over its kernels, from one Nsight Compute run."""
    metrics = [m for names in NCU_METRICS.values() for m in names]
    command = ["ncu", "--csv", "--profile-from-start", "off", "--metrics", ",".join(metrics),
               sys.executable, os.path.abspath(__file__),
               "--output", os.devnull, "--only", args.only, "--dtype", args.dtype, "--single", str(index)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"measure.py: ncu failed for case {index}: {result.stderr.strip()[:300]}", file=sys.stderr)
        return {}
    totals = {name: 0.0 for name in metrics}
    lines = [line for line in result.stdout.splitlines() if line.startswith('"')]
    for row in csv.DictReader(lines):
        name, unit, value = row.get("Metric Name"), row.get("Metric Unit", ""), row.get("Metric Value", "")
        if name in totals:
            scale = {"byte": 1, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9}.get(unit, 1)
            totals[name] += float(value.replace(",", "")) * scale
    return {tier: sum(totals[m] for m in names) for tier, names in NCU_METRICS.items()}


def main():
    args = parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("measure.py: PyTorch is not installed; expected a CUDA build of torch")
    if not torch.cuda.is_available():
        sys.exit("measure.py: no CUDA device; run this on a machine with an NVIDIA GPU")
    all_cases = cases(args.only, args.dtype)
    if args.single is not None:  # one run of one case, for ncu: only the run itself is profiled
        kernel, variant, shape = all_cases[args.single]
        run = build(torch, kernel, variant, shape, args.dtype)
        run()  # warm-up outside the profiled range (allocations, autotuning, lazy module loading)
        torch.cuda.synchronize()
        torch.cuda.profiler.start()
        run()
        torch.cuda.synchronize()
        torch.cuda.profiler.stop()
        return
    use_ncu = args.ncu and shutil.which("ncu") is not None
    if args.ncu and not use_ncu:
        print("measure.py: --ncu given but ncu is not on the PATH; bytes columns stay empty", file=sys.stderr)
    info = provenance(torch)
    columns = ["kernel", "variant", "shape", "dtype", "time_s", "device", "driver", "library", "date", "source",
               f"bytes_{args.hbm_tier}", f"bytes_{args.l2_tier}", "notes"]
    with open(args.output, "w", newline="") as f:
        f.write(f"# Measured by Scripts/measure/measure.py on {info['device']} ({info['driver']}; {info['library']}).\n")
        f.write(f"# Median of {args.repeats} runs after {args.warmup} warm-up runs, CUDA events"
                f"{', L2 flushed before each run' if args.flush_l2 else ''}.\n")
        writer = csv.writer(f)
        writer.writerow(columns)
        for index, (kernel, variant, shape) in enumerate(all_cases):
            try:
                run = build(torch, kernel, variant, shape, args.dtype)
                seconds = time_case(torch, run, args.warmup, args.repeats, args.flush_l2)
            except (RuntimeError, torch.cuda.OutOfMemoryError) as error:
                print(f"measure.py: skipped {kernel} {shape_text(shape)}: {str(error).splitlines()[0]}", file=sys.stderr)
                torch.cuda.empty_cache()
                continue
            counted = ncu_bytes(index, args) if use_ncu else {}
            writer.writerow([kernel, variant, shape_text(shape), args.dtype, f"{seconds:.6g}", info["device"], info["driver"],
                             info["library"], info["date"], info["source"],
                             f"{counted['hbm']:.0f}" if "hbm" in counted else "",
                             f"{counted['l2']:.0f}" if "l2" in counted else "", ""])
            f.flush()
            print(f"{kernel:16s} {variant:5s} {shape_text(shape):45s} {seconds * 1e6:10.2f} us", file=sys.stderr)
            del run
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
