#!/usr/bin/env python3
"""Held-out retail games and their answers by an independent solver (NumPy + SciPy, not the project's code).

Writes NAME.json (a retail game, format v1) and NAME.expected.json for four market styles of the PriLLM paper
(Guo, Bai, Jin, "Pricing Online LLM Services with Data-Calibrated Stackelberg Routing Game", AAAI-26,
arXiv:2511.09062): premium (4 LLMs), economy (8), coding (13 LLMs x 8 apps) and translation (10). The numbers
are made up in the paper's units (price $/M tokens, demand and capacity tokens/s, TTFT ms).

The expected equilibrium is the minimiser of the potential by SLSQP on flows scaled by demand, polished by an
exact solve of the full KKT system (flows and multipliers, numpy) on the support SLSQP found, kept when its flows
are >= 0 and its reduced costs off the support >= 0 (so it is exact, not SLSQP's 1e-7); the expected
optimum is the best of a 201-point price grid, refined by a bounded scalar search around each of the best
five grid points, every profit an SLSQP equilibrium solve. RetailHeldOutTest checks that the project's
equilibrium matches it and that the project's optimum is at least as profitable.

Run: python3 make_heldout.py   (NumPy >= 1.24, SciPy >= 1.10; a few minutes)
"""
import json
import numpy as np
from scipy.optimize import minimize, minimize_scalar

STYLES = [
    # name, providers, users, availability, price range, seed
    ("premium", 4, 12, 1.0, (0.0, 40.0), 101),
    ("economy", 8, 20, 0.8, (0.0, 10.0), 102),
    ("coding", 13, 8, 0.9, (0.0, 30.0), 103),
    ("translation", 10, 15, 0.7, (0.0, 8.0), 104),
]


def make_game(name, m, n, availability, price_range, seed):
    rng = np.random.default_rng(seed)
    top = price_range[1]
    providers = []
    for j in range(m):
        price = float(np.round(rng.uniform(0.1, 0.6) * top, 3))
        provider = {"id": f"{name}-llm{j}", "price": price,
                    "capacity": float(np.round(rng.uniform(5e4, 1e6), 0)),
                    "value": float(np.round(price + rng.uniform(0.5, 0.3 * top), 3))}
        if j == 0:
            provider["marginalCost"] = float(np.round(rng.uniform(0.05, 0.2) * top, 3))
        providers.append(provider)
    users = []
    for i in range(n):
        delays = {}
        for j in range(m):
            if rng.uniform() < availability:
                delays[providers[j]["id"]] = float(np.round(rng.uniform(150, 2500), 1))
        if not delays:
            delays[providers[int(rng.integers(m))]["id"]] = 800.0
        users.append({"id": f"{name}-app{i}", "demand": float(np.round(rng.uniform(2e4, 4e5), 0)),
                      "delayMs": delays})
    return {"name": f"{name}-heldout", "weights": {"price": 1.0, "congestion": float(np.round(rng.uniform(0.5, 3), 3)),
                                                   "delay": 0.001},
            "providers": providers, "users": users, "target": providers[0]["id"],
            "priceRange": list(price_range)}


class Game:
    def __init__(self, g):
        self.ids = [p["id"] for p in g["providers"]]
        self.cap = np.array([p["capacity"] for p in g["providers"]])
        self.value = np.array([p["value"] for p in g["providers"]])
        self.price = np.array([p["price"] for p in g["providers"]])
        w = g["weights"]
        self.wp, self.wq, self.wd = w["price"], w["congestion"], w["delay"]
        self.pairs = []  # (user, provider, delay)
        self.demand = np.array([u["demand"] for u in g["users"]])
        for i, u in enumerate(g["users"]):
            for pid, d in u["delayMs"].items():
                self.pairs.append((i, self.ids.index(pid), d))
        self.user = np.array([p[0] for p in self.pairs])
        self.prov = np.array([p[1] for p in self.pairs])
        self.delay = np.array([p[2] for p in self.pairs])
        self.polished = self.unpolished = 0

    def equilibrium(self, prices, x0=None):
        """argmin Φ over the simplex of each user, in x = f / D_user (from x0 when given: a nearby answer)."""
        D = self.demand[self.user]
        c = self.wp * prices[self.prov] + self.wd * self.delay - self.value[self.prov]
        k = self.wq / self.cap[self.prov]
        m = len(self.ids)

        def phi(x):
            f = x * D
            load = np.bincount(self.prov, weights=f, minlength=m)
            val = c @ f + 0.5 * np.sum(self.wq / self.cap * load ** 2) + 0.5 * np.sum(k * f ** 2)
            grad = (c + k * (load[self.prov] + f)) * D
            return val, grad

        n = len(self.demand)
        A = np.zeros((n, len(self.pairs)))
        A[self.user, np.arange(len(self.pairs))] = 1.0
        if x0 is None:
            x0 = np.array([1.0 / np.sum(self.user == i) for i in self.user])
        scale = max(1.0, abs(phi(x0)[0]))
        res = minimize(lambda x: tuple(v / scale for v in phi(x)), x0, jac=True, method="SLSQP",
                       bounds=[(0, None)] * len(self.pairs),
                       constraints=[{"type": "eq", "fun": lambda x: A @ x - 1, "jac": lambda x: A}],
                       options={"ftol": 1e-12, "maxiter": 500})
        x = np.clip(res.x, 0, None)
        for i in range(n):  # renormalise each user's shares onto its demand
            x[self.user == i] /= x[self.user == i].sum()
        self.last = x
        return self.polish(x * D, c, k)

    def polish(self, f, c, k):
        """The exact KKT solution on SLSQP's support (one dense solve of the full system), kept if it checks."""
        n, m, pairs = len(self.demand), len(self.ids), len(self.pairs)
        support = np.flatnonzero(f > 1e-7 * self.demand[self.user])
        size = len(support) + n
        A = np.zeros((size, size))
        b = np.zeros(size)
        for row, e in enumerate(support):  # c_e + k_j (F_j + f_e) − λ_i = 0
            for col, e2 in enumerate(support):
                if self.prov[e2] == self.prov[e]:
                    A[row, col] += k[e]
            A[row, row] += k[e]
            A[row, len(support) + self.user[e]] = -1.0
            b[row] = -c[e]
        for i in range(n):  # Σ_j f_ij = D_i
            for col, e in enumerate(support):
                if self.user[e] == i:
                    A[len(support) + i, col] = 1.0
            b[len(support) + i] = self.demand[i]
        x = np.linalg.solve(A, b)
        exact = np.zeros(pairs)
        exact[support] = x[:len(support)]
        lam = x[len(support):]
        load = np.bincount(self.prov, weights=exact, minlength=m)
        reduced = c + k * (load[self.prov] + exact) - lam[self.user]
        scale = max(1.0, np.abs(c).max())
        if exact.min() >= -1e-9 * self.demand.max() and reduced.min() >= -1e-9 * scale:
            self.polished += 1
            return np.clip(exact, 0, None)
        self.unpolished += 1
        return f

    def profit(self, p, cost, x0=None):
        prices = self.price.copy()
        prices[0] = p
        f = self.equilibrium(prices, x0)
        return (p - cost) * f[self.prov == 0].sum()


def main():
    for style in STYLES:
        g = make_game(*style)
        game = Game(g)
        f = game.equilibrium(game.price)
        cost = g["providers"][0]["marginalCost"]
        lo, hi = g["priceRange"]
        grid = np.linspace(lo, hi, 201)
        profits, starts = [], []
        x = None
        for p in grid:  # each solve starts from the last one's answer
            profits.append(game.profit(p, cost, x))
            x = game.last
            starts.append(x)
        profits = np.array(profits)
        best_p, best = float(grid[profits.argmax()]), float(profits.max())
        step = grid[1] - grid[0]
        for k in np.argsort(profits)[-5:]:
            a, b = max(lo, grid[k] - step), min(hi, grid[k] + step)
            r = minimize_scalar(lambda p, k=k: -game.profit(p, cost, starts[k]), bounds=(a, b), method="bounded",
                                options={"xatol": 1e-10})
            if -r.fun > best:
                best_p, best = float(r.x), float(-r.fun)
        expected = {"equilibriumAtPostedPrices": [
            {"user": g["users"][i]["id"], "provider": game.ids[j], "tokensPerSecond": float(v)}
            for (i, j, _), v in zip(game.pairs, f)],
            "independentOptimum": {"price": best_p, "profit": best},
            "solver": "scipy.optimize SLSQP (ftol 1e-12) for the support, then the exact KKT solve on it (numpy);"
                      " 201-point grid + bounded scalar refinement",
            "polishedSolves": game.polished, "unpolishedSolves": game.unpolished}
        name = style[0]
        with open(f"{name}.json", "w") as out:
            json.dump(g, out, indent=2)
            out.write("\n")
        with open(f"{name}.expected.json", "w") as out:
            json.dump(expected, out, indent=2)
            out.write("\n")
        print(name, "optimum", best_p, best, "polished", game.polished, "of", game.polished + game.unpolished,
              flush=True)


if __name__ == "__main__":
    main()
