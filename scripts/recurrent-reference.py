#!/usr/bin/env python3
# The reference numbers of Tests/TeachModelTests/Layers/RecurrentLayerTests.swift: torch.nn.RNN, LSTM and
# torch.nn.GRU (float64) with the parameters the tests give, forward and backward on one sequence.
#   /path/to/venv-with-torch/bin/python scripts/recurrent-reference.py
import torch
torch.set_printoptions(precision=17)
def make(cls, gates, I=2, H=2):
    m = cls(I, H, batch_first=True).double()
    n = gates*H
    with torch.no_grad():
        m.weight_ih_l0.copy_(torch.tensor([[0.1*((r*I+c)%7)-0.3 for c in range(I)] for r in range(n)], dtype=torch.float64))
        m.weight_hh_l0.copy_(torch.tensor([[0.05*((r*H+c)%5)-0.1 for c in range(H)] for r in range(n)], dtype=torch.float64))
        m.bias_ih_l0.copy_(torch.tensor([0.02*(r%4)-0.03 for r in range(n)], dtype=torch.float64))
        m.bias_hh_l0.copy_(torch.tensor([0.01*(r%3) for r in range(n)], dtype=torch.float64))
    return m
x = torch.tensor([[[1.0, -0.5],[0.25, 2.0],[-1.0, 0.5]]], dtype=torch.float64, requires_grad=True)
coef = torch.tensor([[[1.0, -2.0],[0.5, 1.5],[-1.0, 3.0]]], dtype=torch.float64)
for name, cls, g in [("RNN", torch.nn.RNN, 1), ("LSTM", torch.nn.LSTM, 4), ("GRU", torch.nn.GRU, 3)]:
    m = make(cls, g)
    out, _ = m(x)
    e = (out*coef).sum()
    x.grad = None
    e.backward()
    print(name, "out", [repr(v) for v in out.flatten().tolist()])
    print(name, "dx", [repr(v) for v in x.grad.flatten().tolist()])
    for pn, p in m.named_parameters():
        print(name, pn, [repr(v) for v in p.grad.flatten().tolist()])

# Causal self-attention: nn.MultiheadAttention(4, 2, batch_first=True) on one sequence of 3 positions.
E, T = 4, 3
attention = torch.nn.MultiheadAttention(E, 2, batch_first=True).double()
with torch.no_grad():
    attention.in_proj_weight.copy_(torch.tensor([[0.1*((r*E+c)%7)-0.3 for c in range(E)] for r in range(3*E)], dtype=torch.float64))
    attention.in_proj_bias.copy_(torch.tensor([0.02*(r%4)-0.03 for r in range(3*E)], dtype=torch.float64))
    attention.out_proj.weight.copy_(torch.tensor([[0.05*((r*E+c)%5)-0.1 for c in range(E)] for r in range(E)], dtype=torch.float64))
    attention.out_proj.bias.copy_(torch.tensor([0.01*(r%3) for r in range(E)], dtype=torch.float64))
xa = torch.tensor([[[1.0, -0.5, 0.25, 2.0], [-1.0, 0.5, 1.5, -2.0], [0.3, 0.7, -0.2, 1.1]]], dtype=torch.float64, requires_grad=True)
ca = torch.tensor([[[1.0, -2.0, 0.5, 1.5], [-1.0, 3.0, 0.25, -0.5], [2.0, 1.0, -1.5, 0.75]]], dtype=torch.float64)
mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
out, _ = attention(xa, xa, xa, attn_mask=mask, need_weights=False)
(out*ca).sum().backward()
print("ATTENTION", "out", [repr(v) for v in out.flatten().tolist()])
print("ATTENTION", "dx", [repr(v) for v in xa.grad.flatten().tolist()])
for pn, p in attention.named_parameters():
    print("ATTENTION", pn, [repr(v) for v in p.grad.flatten().tolist()])

# Cross-attention: the same parameters, 2 query positions (xa's first two) looking at a memory of 3
# positions whose last is padding (key_padding_mask).
xq = torch.tensor([[[1.0, -0.5, 0.25, 2.0], [-1.0, 0.5, 1.5, -2.0]]], dtype=torch.float64, requires_grad=True)
mem = torch.tensor([[[0.3, 0.7, -0.2, 1.1], [0.5, -1.5, 1.0, 0.2], [2.0, 2.0, -2.0, 2.0]]], dtype=torch.float64, requires_grad=True)
cq = torch.tensor([[[1.0, -2.0, 0.5, 1.5], [-1.0, 3.0, 0.25, -0.5]]], dtype=torch.float64)
attention.zero_grad()
out, _ = attention(xq, mem, mem, key_padding_mask=torch.tensor([[False, False, True]]), need_weights=False)
(out*cq).sum().backward()
print("CROSS", "out", [repr(v) for v in out.flatten().tolist()])
print("CROSS", "dquery", [repr(v) for v in xq.grad.flatten().tolist()])
print("CROSS", "dmemory", [repr(v) for v in mem.grad.flatten().tolist()])
for pn, p in attention.named_parameters():
    print("CROSS", pn, [repr(v) for v in p.grad.flatten().tolist()])
