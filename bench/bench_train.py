"""Training throughput on this machine: samples/s for the configs, fp32 vs bf16, and how a step splits between
data loading and compute; and how much of a batch is padding when batches are bucketed by the raw point count (the old
way) or by the resampled length the encoder sees (`InkDataset.lengths`, the default).

    python bench/bench_train.py [--configs configs/crohme.yaml configs/fast.yaml] [--steps 30] [--threads 2]
    python bench/bench_train.py --configs configs/crohme.yaml --precisions fp32 --threads 1 --buckets raw resampled
    python bench/bench_train.py --configs configs/crohme-synth.yaml --precisions fp32 --threads 1 --bs 32 --directions l2r both

`--directions both` trains the decoder both ways (`model.r2l=true`: each batch's targets also right to left).
"""
import argparse, os, time, sys
import numpy as np
import torch
from hmer_ink.core import shared_data, pick_device
from hmer_ink.train import load_config, build_datasets, build_learner, precision_callbacks, Autocast
from hmer_ink.data import make_dls

def raw_lengths(ds):
    "Points per item before resampling: the bucketing key used before `InkDataset.lengths` counted resampled points"
    return np.concatenate([c.n_points() for c in ds.caches])[:ds.n]

def padding(dl, lengths, targets):
    "Share of encoder positions and of decoder positions that are padding over one epoch of `dl`'s batches"
    enc = tok = enc_real = tok_real = 0
    idxs = dl.get_idxs()
    for b in range(0, len(idxs) - dl.bs + 1, dl.bs):
        i = idxs[b:b + dl.bs]
        t, l = lengths[i], np.array([len(targets[j]) + 1 for j in i])
        enc, enc_real, tok, tok_real = enc + t.max() * len(i), enc_real + t.sum(), tok + l.max() * len(i), tok_real + l.sum()
    return 100 * (1 - enc_real / enc), 100 * (1 - tok_real / tok)

def bench(cfg_path, precision, steps, warmup, threads, bucket='resampled', directions='l2r', bs=None):
    torch.set_num_threads(threads)
    # every config is timed on CROHME batches (the model and batch size are what differ; default.yaml's data is MathWriting)
    cfg = load_config(cfg_path, [f'train.precision={precision}', 'train.num_workers=0', 'data.root=null',
                                 'data.train=[crohme/train]', 'data.valid=[crohme/valid]', 'data.cache_dir=outputs/cache',
                                 f'model.r2l={directions == "both"}'] + ([f'train.bs={bs}'] if bs else []))
    train_ds, valid_ds, vocab = build_datasets(cfg)
    dls = make_dls(train_ds, valid_ds, bs=cfg.train.bs, seed=0, device=torch.device('cpu'), r2l=cfg.model.r2l)
    true_len = train_ds.lengths()
    if bucket == 'raw': dls.train.lengths = raw_lengths(train_ds)
    state = dls.train.rng.getstate()
    enc_pad, tok_pad = padding(dls.train, true_len, train_ds.targets)
    dls.train.rng.setstate(state)
    learn = build_learner(cfg, dls, vocab, torch.device('cpu'))
    model, loss_func = learn.model.train(), learn.loss_func
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ac = next((c for c in learn.cbs if isinstance(c, Autocast)), None)
    it, t_data, t_comp, n = iter(dls.train), 0., 0., 0
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        x, x_len, y_in, y_out = next(it)
        t1 = time.perf_counter()
        with (ac.context() if ac else torch.autocast('cpu', enabled=False)):
            loss = loss_func(model(x, x_len, y_in), y_out)
        loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); opt.zero_grad()
        t2 = time.perf_counter()
        if i >= warmup: t_data, t_comp, n = t_data + t1 - t0, t_comp + t2 - t1, n + len(x)
    return dict(config=cfg_path, precision=precision, bucket=bucket, directions=directions, enc_pad=enc_pad, tok_pad=tok_pad, params=f'{sum(p.numel() for p in model.parameters())/1e6:.1f}M',
                samples_s=n / (t_data + t_comp), data_pct=100 * t_data / (t_data + t_comp), ms_step=1000 * (t_data + t_comp) / steps)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--configs', nargs='+', default=['configs/default.yaml', 'configs/crohme.yaml', 'configs/fast.yaml'])
    p.add_argument('--precisions', nargs='+', default=['fp32', 'bf16'])
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--buckets', nargs='+', default=['resampled'], choices=['raw', 'resampled'],
                   help='bucketing key: raw point count (before) or resampled length (the default)')
    p.add_argument('--bs', type=int, default=None, help="batch size (default: each config's train.bs)")
    p.add_argument('--directions', nargs='+', default=['l2r'], choices=['l2r', 'both'],
                   help='decoder trained left to right (the default) or both ways (model.r2l=true)')
    a = p.parse_args()
    if shared_data('crohme') is None: sys.exit('bench_train: needs ../shared/data/crohme (or HMER_INK_DATA)')
    rows = [bench(c, pr, a.steps, a.warmup, a.threads, b, d, a.bs) for c in a.configs for pr in a.precisions for b in a.buckets
            for d in a.directions]
    load = ' / '.join(f'{x:.2f}' for x in os.getloadavg())
    print(f'\nCPU training throughput ({a.threads} threads, {a.steps} steps after {a.warmup} warm-up, CROHME batches;'
          f' load average {load} (1/5/15 min) at the end)\n')
    print('| config | precision | bucketing | decoder | params | samples/s | ms/step | data loading % of step | point padding | token padding |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['config']} | {r['precision']} | {r['bucket']} | {r['directions']} | {r['params']} | {r['samples_s']:.1f} | {r['ms_step']:.0f} |"
              f" {r['data_pct']:.1f}% | {r['enc_pad']:.0f}% | {r['tok_pad']:.0f}% |")

if __name__ == '__main__': main()
