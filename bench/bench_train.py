"""Training throughput on this machine: samples/s for the configs, fp32 vs bf16, and how a step splits between
data loading and compute.

    python bench/bench_train.py [--configs configs/crohme.yaml configs/fast.yaml] [--steps 30] [--threads 2]
"""
import argparse, time, sys
import torch
from hmer_ink.core import shared_data, pick_device
from hmer_ink.train import load_config, build_datasets, build_learner, precision_callbacks, Autocast
from hmer_ink.data import make_dls

def bench(cfg_path, precision, steps, warmup, threads):
    torch.set_num_threads(threads)
    # every config is timed on CROHME batches (the model and batch size are what differ; default.yaml's data is MathWriting)
    cfg = load_config(cfg_path, [f'train.precision={precision}', 'train.num_workers=0', 'data.root=null',
                                 'data.train=[crohme/train]', 'data.valid=[crohme/valid]', 'data.cache_dir=outputs/cache'])
    train_ds, valid_ds, vocab = build_datasets(cfg)
    dls = make_dls(train_ds, valid_ds, bs=cfg.train.bs, seed=0, device=torch.device('cpu'))
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
    return dict(config=cfg_path, precision=precision, params=f'{sum(p.numel() for p in model.parameters())/1e6:.1f}M',
                samples_s=n / (t_data + t_comp), data_pct=100 * t_data / (t_data + t_comp), ms_step=1000 * (t_data + t_comp) / steps)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--configs', nargs='+', default=['configs/default.yaml', 'configs/crohme.yaml', 'configs/fast.yaml'])
    p.add_argument('--precisions', nargs='+', default=['fp32', 'bf16'])
    p.add_argument('--steps', type=int, default=30)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    if shared_data('crohme') is None: sys.exit('bench_train: needs ../shared/data/crohme (or HMER_INK_DATA)')
    rows = [bench(c, pr, a.steps, a.warmup, a.threads) for c in a.configs for pr in a.precisions]
    print(f'\nCPU training throughput ({a.threads} threads, {a.steps} steps after {a.warmup} warm-up, CROHME batches)\n')
    print('| config | precision | params | samples/s | ms/step | data loading % of step |')
    print('|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['config']} | {r['precision']} | {r['params']} | {r['samples_s']:.1f} | {r['ms_step']:.0f} | {r['data_pct']:.1f}% |")

if __name__ == '__main__': main()
