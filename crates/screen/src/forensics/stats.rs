//! The numerical functions of the statistical detectors, pure and tested: log-gamma
//! (Lanczos), exact binomial, Poisson-binomial and beta-binomial upper tails, the
//! lower tail of a scaled χ² (regularised incomplete gamma), the stratified
//! hypergeometric tail, Benjamini–Hochberg adjustment, the logit shift that fits an
//! item-response profile to one person's number of wrong answers, and a small
//! deterministic random stream for resampling.
//!
//! Tails are summed term by term from the observed value outwards (never as
//! `1 − lower tail`), so p-values down to 1e-300 keep their relative accuracy.

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 coefficients; relative error ≈ 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let s = (std::f64::consts::PI * x).sin().abs();
        return std::f64::consts::PI.ln() - s.ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ln C(n, k).
pub fn ln_choose(n: f64, k: f64) -> f64 {
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// ln B(a, b).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Sums terms of a unimodal pmf starting from `ln_first`, each next term being the
/// previous times `ratio(step)`, for at most `count` terms; stops once the terms are
/// negligible and falling.
fn sum_terms(ln_first: f64, count: u32, mut ratio: impl FnMut(u32) -> f64) -> f64 {
    let first = ln_first.exp();
    if count == 0 || first == 0.0 || !first.is_finite() {
        return 0.0;
    }
    let mut term = first;
    let mut total = first;
    for step in 0..count - 1 {
        let r = ratio(step);
        term *= r;
        total += term;
        if term < total * 1e-17 && r < 1.0 {
            break;
        }
    }
    total
}

/// P(X ≥ k) for X ~ Binomial(n, p), summed exactly (from k upwards above the mean,
/// as one minus the lower tail summed from k − 1 downwards at or below it).
pub fn binomial_upper(n: u32, k: u32, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let nf = f64::from(n);
    let ln_pmf = |j: u32| {
        let j = f64::from(j);
        ln_choose(nf, j) + j * p.ln() + (nf - j) * (-p).ln_1p()
    };
    let odds = p / (1.0 - p);
    if f64::from(k) > nf * p {
        sum_terms(ln_pmf(k), n - k + 1, |s| {
            let j = f64::from(k + s);
            (nf - j) / (j + 1.0) * odds
        })
        .min(1.0)
    } else {
        let lower = sum_terms(ln_pmf(k - 1), k, |s| {
            let j = f64::from(k - 1 - s);
            j / (nf - j + 1.0) / odds
        });
        (1.0 - lower).clamp(0.0, 1.0)
    }
}

/// P(X ≥ k) for X ~ Beta-binomial(n, a, b), summed exactly (as for the binomial).
pub fn beta_binomial_upper(n: u32, k: u32, a: f64, b: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let nf = f64::from(n);
    let ln_pmf = |j: u32| {
        let j = f64::from(j);
        ln_choose(nf, j) + ln_beta(j + a, nf - j + b) - ln_beta(a, b)
    };
    if f64::from(k) > nf * a / (a + b) {
        sum_terms(ln_pmf(k), n - k + 1, |s| {
            let j = f64::from(k + s);
            (nf - j) / (j + 1.0) * (j + a) / (nf - j - 1.0 + b)
        })
        .min(1.0)
    } else {
        let lower = sum_terms(ln_pmf(k - 1), k, |s| {
            let j = f64::from(k - 1 - s);
            j / (nf - j + 1.0) * (nf - j + b) / (j - 1.0 + a)
        });
        (1.0 - lower).clamp(0.0, 1.0)
    }
}

/// P(X ≥ k) for X a sum of independent Bernoulli(p_i) (Poisson-binomial), by dynamic
/// programming over the items with the states 0..k (k absorbing): O(len × k).
/// `scratch` is reused between calls to avoid allocation.
pub fn poisson_binomial_upper(p: &[f64], k: usize, scratch: &mut Vec<f64>) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > p.len() {
        return 0.0;
    }
    scratch.clear();
    scratch.resize(k + 1, 0.0);
    let f = scratch.as_mut_slice();
    f[0] = 1.0;
    // Only states reachable so far are updated.
    let mut top = 0usize;
    for &pi in p {
        if pi <= 0.0 {
            continue;
        }
        let q = 1.0 - pi;
        let hi = (top + 1).min(k);
        if hi == k {
            f[k] += f[k - 1] * pi;
        }
        let upper = if hi == k { k - 1 } else { hi };
        for j in (1..=upper).rev() {
            f[j] = f[j] * q + f[j - 1] * pi;
        }
        f[0] *= q;
        top = hi;
    }
    f[k].min(1.0)
}

/// The tail of the number of items on which two candidates give the same wrong
/// answer, *given* how many wrong answers each gave: items are independent, candidate
/// x is wrong on item i with odds `o_x[i]`, and when both are wrong their options
/// coincide with probability `sigma[i]`; conditioned on A = `wa` and B = `wb` wrong
/// answers in all, P(S ≥ k) by dynamic programming over the items with states
/// (wrong so far of a, of b, coincidences so far, k absorbing): O(L · wa · wb · k).
/// `scratch` is reused between calls.
pub fn shared_tail_given_totals(
    oa: &[f64],
    ob: &[f64],
    sigma: &[f64],
    wa: usize,
    wb: usize,
    k: usize,
    scratch: &mut Vec<f64>,
) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let l = oa.len();
    if k > wa.min(wb) || wa > l || wb > l {
        return 0.0;
    }
    let (na, nb, ns) = (wa + 1, wb + 1, k + 1);
    scratch.clear();
    scratch.resize(na * nb * ns, 0.0);
    let f = scratch.as_mut_slice();
    let at = |ca: usize, cb: usize| (ca * nb + cb) * ns;
    f[0] = 1.0;
    for i in 0..l {
        let (a, b, sg) = (oa[i], ob[i], sigma[i].clamp(0.0, 1.0));
        let (c_same, c_diff) = (a * b * sg, a * b * (1.0 - sg));
        let hi_a = (i + 1).min(wa);
        let hi_b = (i + 1).min(wb);
        // Counts that can still reach the totals with the items left.
        let left = l - i - 1;
        let lo_a = wa.saturating_sub(left);
        let lo_b = wb.saturating_sub(left);
        for ca in (lo_a..=hi_a).rev() {
            for cb in (lo_b..=hi_b).rev() {
                // Every source state lies before the destination: split to borrow both.
                // A state (ca, cb) has at most min(ca, cb) coincidences.
                let dst_at = at(ca, cb);
                let (lower, upper) = f.split_at_mut(dst_at);
                let d = &mut upper[..ns];
                if ca > 0 && cb > 0 {
                    // Both wrong: the coincidence count moves up with probability σ.
                    let n = (ca - 1).min(cb - 1).min(k) + 1;
                    let src = &lower[at(ca - 1, cb - 1)..][..n];
                    if n == ns {
                        d[k] += a * b * src[k] + c_same * src[k - 1];
                        for ((x, s1), s0) in d[1..k].iter_mut().zip(&src[1..k]).zip(&src[..k - 1]) {
                            *x += c_diff * s1 + c_same * s0;
                        }
                    } else {
                        // n ≤ k: the shifted mass lands at most on n.
                        d[n] += c_same * src[n - 1];
                        for ((x, s1), s0) in d[1..n].iter_mut().zip(&src[1..n]).zip(&src[..n - 1]) {
                            *x += c_diff * s1 + c_same * s0;
                        }
                    }
                    d[0] += c_diff * src[0];
                }
                if ca > 0 {
                    let n = (ca - 1).min(cb).min(k) + 1;
                    let src = &lower[at(ca - 1, cb)..][..n];
                    for (x, y) in d.iter_mut().zip(src) {
                        *x += a * y;
                    }
                }
                if cb > 0 {
                    let n = ca.min(cb - 1).min(k) + 1;
                    let src = &lower[at(ca, cb - 1)..][..n];
                    for (x, y) in d.iter_mut().zip(src) {
                        *x += b * y;
                    }
                }
            }
        }
        if i % 8 == 7 || i + 1 == l {
            let top = f.iter().fold(0.0f64, |m, v| m.max(*v));
            if top > 1e150 || (top < 1e-150 && top > 0.0) {
                f.iter_mut().for_each(|v| *v /= top);
            }
        }
    }
    let end = at(wa, wb);
    let total: f64 = f[end..end + ns].iter().sum();
    if total <= 0.0 {
        return 1.0;
    }
    (f[end + k] / total).min(1.0)
}

/// Benjamini–Hochberg adjusted p-values (step-up), in the input order: a test is
/// rejected at false discovery rate q when its adjusted value is ≤ q.
pub fn bh_adjust(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut adjusted = vec![1.0; m];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = (p[i] * m as f64 / (rank + 1) as f64).min(1.0);
        running = running.min(v);
        adjusted[i] = running;
    }
    adjusted
}

/// The regularised lower incomplete gamma function P(a, x).
pub fn gamma_lower_regularized(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_pre = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series: P = x^a e^-x / Γ(a+1) Σ x^n / ((a+1)…(a+n)).
        let mut sum = 1.0 / a;
        let mut term = sum;
        let mut ap = a;
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (ln_pre.exp() * sum).min(1.0)
    } else {
        // Continued fraction for Q (modified Lentz).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (1.0 - ln_pre.exp() * h).clamp(0.0, 1.0)
    }
}

/// P(Y ≤ y) for Y ~ χ²(ν) (ν may be fractional).
pub fn chi2_lower(nu: f64, y: f64) -> f64 {
    gamma_lower_regularized(nu / 2.0, y / 2.0)
}

/// The lower tail of a statistic whose null distribution is approximated by a scaled
/// χ² with the given mean and variance (Satterthwaite): P(S ≤ s).
pub fn scaled_chi2_lower(mean: f64, var: f64, s: f64) -> f64 {
    if mean <= 0.0 || var <= 0.0 {
        return 1.0;
    }
    let nu = 2.0 * mean * mean / var;
    chi2_lower(nu, nu * s / mean)
}

/// The distribution of the number of marked draws when `n` of `total` items are
/// drawn without replacement and `marked` are marked: pmf over 0..=n.
pub fn hypergeometric_pmf(total: u32, marked: u32, n: u32) -> Vec<f64> {
    let (t, m, n) = (f64::from(total), f64::from(marked), f64::from(n));
    let lo = (n + m - t).max(0.0) as u32;
    let hi = n.min(m) as u32;
    let denom = ln_choose(t, n);
    (0..=n as u32)
        .map(|x| {
            if x < lo || x > hi {
                0.0
            } else {
                let x = f64::from(x);
                (ln_choose(m, x) + ln_choose(t - m, n - x) - denom).exp()
            }
        })
        .collect()
}

/// Fisher's noncentral hypergeometric distribution: `n` of `total` drawn, `marked`
/// marked, the odds of drawing a marked item `omega` times those of an unmarked one.
/// pmf over 0..=n; `omega = 1` is the hypergeometric.
pub fn fisher_noncentral_pmf(total: u32, marked: u32, n: u32, omega: f64) -> Vec<f64> {
    let (t, m, nf) = (f64::from(total), f64::from(marked), f64::from(n));
    let lo = (nf + m - t).max(0.0) as u32;
    let hi = nf.min(m) as u32;
    let lw = omega.ln();
    let logs: Vec<f64> = (lo..=hi)
        .map(|x| {
            let x = f64::from(x);
            ln_choose(m, x) + ln_choose(t - m, nf - x) + x * lw
        })
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total_w: f64 = logs.iter().map(|l| (l - top).exp()).sum();
    let mut out = vec![0.0; n as usize + 1];
    for (j, l) in logs.iter().enumerate() {
        out[lo as usize + j] = (l - top).exp() / total_w;
    }
    out
}

/// Convolves independent discrete distributions on 0, 1, 2, …
pub fn convolve(dists: &[Vec<f64>]) -> Vec<f64> {
    let mut acc = vec![1.0];
    for d in dists {
        let mut next = vec![0.0; acc.len() + d.len() - 1];
        for (i, a) in acc.iter().enumerate() {
            if *a == 0.0 {
                continue;
            }
            for (j, b) in d.iter().enumerate() {
                next[i + j] += a * b;
            }
        }
        acc = next;
    }
    acc
}

/// P(X ≥ k) of a pmf on 0, 1, 2, …
pub fn pmf_upper(pmf: &[f64], k: usize) -> f64 {
    pmf.iter().skip(k).sum::<f64>().min(1.0)
}

/// The logistic function.
pub fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The logit.
pub fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// The shift δ such that Σ logistic(logit_i + δ) = target (0 < target < len):
/// Newton steps safeguarded by bisection.
pub fn logit_shift(logits: &[f64], target: f64) -> f64 {
    let n = logits.len() as f64;
    let target = target.clamp(1e-3, n - 1e-3);
    let f = |d: f64| -> (f64, f64) {
        let mut s = 0.0;
        let mut ds = 0.0;
        for &l in logits {
            let p = logistic(l + d);
            s += p;
            ds += p * (1.0 - p);
        }
        (s - target, ds)
    };
    let (mut lo, mut hi) = (-40.0, 40.0);
    // Start where a common shift of the mean probability would land.
    let mean = logits.iter().map(|&l| logistic(l)).sum::<f64>() / n;
    let mut d = (logit(target / n) - logit(mean.clamp(1e-9, 1.0 - 1e-9))).clamp(-30.0, 30.0);
    for _ in 0..100 {
        let (v, dv) = f(d);
        if v.abs() < 1e-7 {
            break;
        }
        if v > 0.0 {
            hi = d;
        } else {
            lo = d;
        }
        let step = if dv > 1e-12 { d - v / dv } else { f64::NAN };
        d = if step.is_finite() && step > lo && step < hi {
            step
        } else {
            0.5 * (lo + hi)
        };
    }
    d
}

/// SplitMix64: a small, fast, deterministic random stream (resampling).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// A seed derived from a base seed and a key (FNV-1a, then SplitMix64).
pub fn derive_seed(seed: u64, key: &[u64]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for k in key {
        for b in k.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    SplitMix64::new(h).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-13
        ));
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        let mut fact = 1.0f64;
        for n in 1..30u32 {
            fact *= f64::from(n);
            assert!(close(ln_gamma(f64::from(n) + 1.0), fact.ln(), 1e-13), "{n}");
        }
        // Γ(0.1) = 9.513507698668731836…
        assert!(close(ln_gamma(0.1), 9.513_507_698_668_732f64.ln(), 1e-13));
        // Γ(10.3) via Γ(x+1) = x Γ(x).
        assert!(close(ln_gamma(11.3), ln_gamma(10.3) + 10.3f64.ln(), 1e-13));
    }

    /// Brute force: every subset of outcomes.
    fn pb_brute(p: &[f64], k: usize) -> f64 {
        let n = p.len();
        let mut total = 0.0;
        for mask in 0u32..(1 << n) {
            if (mask.count_ones() as usize) < k {
                continue;
            }
            let mut pr = 1.0;
            for (i, pi) in p.iter().enumerate() {
                pr *= if mask & (1 << i) != 0 { *pi } else { 1.0 - pi };
            }
            total += pr;
        }
        total
    }

    #[test]
    fn poisson_binomial_tail_matches_enumeration() {
        let mut rng = SplitMix64::new(7);
        let mut scratch = Vec::new();
        for n in 0..=12usize {
            for round in 0..20 {
                let p: Vec<f64> = (0..n)
                    .map(|i| {
                        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                        // Some exact zeros and ones, some tiny values.
                        match (i + round) % 7 {
                            0 => 0.0,
                            1 => 1.0,
                            2 => u * 1e-4,
                            _ => u,
                        }
                    })
                    .collect();
                for k in 0..=n + 1 {
                    let want = pb_brute(&p, k);
                    let got = poisson_binomial_upper(&p, k, &mut scratch);
                    assert!(
                        (got - want).abs() <= 1e-12 * want.max(1e-300) + 1e-300,
                        "n {n} k {k}: {got} vs {want} for {p:?}"
                    );
                }
            }
        }
        // Equal probabilities: the binomial tail.
        let p = vec![0.03; 100];
        for k in [0, 1, 5, 20, 60] {
            let a = poisson_binomial_upper(&p, k, &mut scratch);
            let b = binomial_upper(100, k as u32, 0.03);
            assert!(close(a, b, 1e-10), "{k}: {a} {b}");
        }
    }

    /// Brute force: every pair of wrong sets with the given sizes, then the
    /// coincidences among the common items by enumeration.
    fn shared_brute(oa: &[f64], ob: &[f64], sg: &[f64], wa: usize, wb: usize, k: usize) -> f64 {
        let l = oa.len();
        let (mut num, mut den) = (0.0, 0.0);
        for ma in 0u32..(1 << l) {
            if ma.count_ones() as usize != wa {
                continue;
            }
            for mb in 0u32..(1 << l) {
                if mb.count_ones() as usize != wb {
                    continue;
                }
                let mut w = 1.0;
                for i in 0..l {
                    if ma & (1 << i) != 0 {
                        w *= oa[i];
                    }
                    if mb & (1 << i) != 0 {
                        w *= ob[i];
                    }
                }
                let common: Vec<f64> = (0..l)
                    .filter(|i| ma & mb & (1 << i) != 0)
                    .map(|i| sg[i])
                    .collect();
                den += w;
                num += w * pb_brute(&common, k);
            }
        }
        num / den
    }

    #[test]
    fn conditional_shared_tail_matches_enumeration() {
        let mut rng = SplitMix64::new(11);
        let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let mut scratch = Vec::new();
        for l in 1..=7usize {
            for _ in 0..6 {
                let oa: Vec<f64> = (0..l).map(|_| 0.05 + 3.0 * u()).collect();
                let ob: Vec<f64> = (0..l).map(|_| 0.05 + 3.0 * u()).collect();
                let sg: Vec<f64> = (0..l).map(|_| u()).collect();
                for wa in 0..=l {
                    for wb in 0..=l {
                        for k in 0..=l {
                            let want = shared_brute(&oa, &ob, &sg, wa, wb, k);
                            let got =
                                shared_tail_given_totals(&oa, &ob, &sg, wa, wb, k, &mut scratch);
                            assert!(
                                (got - want).abs() <= 1e-12 + 1e-10 * want,
                                "l {l} wa {wa} wb {wb} k {k}: {got} vs {want}"
                            );
                        }
                    }
                }
            }
        }
        // Conditioning on the totals narrows the null: far in the tail it is below
        // the unconditional Poisson-binomial of the same items.
        let l = 100;
        let q: Vec<f64> = (0..l).map(|i| 0.1 + 0.6 * (i as f64 / l as f64)).collect();
        let o: Vec<f64> = q.iter().map(|q| q / (1.0 - q)).collect();
        let sg = vec![0.45; l];
        let p: Vec<f64> = q.iter().map(|q| q * q * 0.45).collect();
        let uncond = poisson_binomial_upper(&p, 25, &mut Vec::new());
        let cond = shared_tail_given_totals(&o, &o, &sg, 40, 40, 25, &mut scratch);
        assert!(cond < uncond, "{cond} {uncond}");
    }

    #[test]
    fn binomial_tail_matches_direct_summation() {
        for n in [1u32, 5, 20, 100, 400] {
            for p in [1e-6, 0.01, 0.3, 0.5, 0.97] {
                for k in 0..=n {
                    let direct: f64 = (k..=n)
                        .map(|j| {
                            let (n, j) = (f64::from(n), f64::from(j));
                            (ln_choose(n, j) + j * f64::ln(p) + (n - j) * (1.0 - p).ln()).exp()
                        })
                        .sum();
                    let got = binomial_upper(n, k, p);
                    assert!(
                        close(got, direct.min(1.0), 1e-9),
                        "{n} {p} {k}: {got} {direct}"
                    );
                }
            }
        }
        assert_eq!(binomial_upper(10, 11, 0.5), 0.0);
        assert!(close(binomial_upper(10, 10, 0.5), 0.5f64.powi(10), 1e-13));
    }

    #[test]
    fn beta_binomial_tail_matches_direct_summation() {
        // Direct pmf: C(n,j) B(j+a, n-j+b) / B(a,b), each term from scratch.
        for n in [1u32, 4, 17, 60, 200] {
            for (a, b) in [
                (1.0, 1.0),
                (0.5, 0.5),
                (7.5, 2.5),
                (30.0, 10.0),
                (200.0, 3.0),
            ] {
                let pmf = |j: u32| {
                    let (nf, jf) = (f64::from(n), f64::from(j));
                    (ln_choose(nf, jf) + ln_beta(jf + a, nf - jf + b) - ln_beta(a, b)).exp()
                };
                let total: f64 = (0..=n).map(pmf).sum();
                assert!(close(total, 1.0, 1e-10), "{n} {a} {b}: {total}");
                for k in 0..=n {
                    let direct: f64 = (k..=n).map(pmf).sum();
                    let got = beta_binomial_upper(n, k, a, b);
                    assert!(
                        close(got, direct.min(1.0), 1e-9),
                        "{n} {a} {b} {k}: {got} {direct}"
                    );
                }
            }
        }
        // a = b = 1: uniform on 0..=n.
        for k in 0..=30u32 {
            let want = f64::from(31 - k) / 31.0;
            assert!(close(beta_binomial_upper(30, k, 1.0, 1.0), want, 1e-12));
        }
        // Large a, b: approaches the binomial.
        let bb = beta_binomial_upper(40, 35, 0.7e6, 0.3e6);
        let bi = binomial_upper(40, 35, 0.7);
        assert!(close(bb, bi, 1e-3), "{bb} {bi}");
    }

    #[test]
    fn benjamini_hochberg() {
        // Worked example: m = 5.
        let p = [0.01, 0.04, 0.03, 0.005, 0.5];
        let q = bh_adjust(&p);
        let want = [0.025, 0.05, 0.05, 0.025, 0.5];
        for (a, b) in q.iter().zip(want) {
            assert!(close(*a, b, 1e-12), "{q:?}");
        }
        // Rejections at 0.05: all but the last; at 0.03: the two smallest.
        assert_eq!(q.iter().filter(|v| **v <= 0.05).count(), 4);
        assert_eq!(q.iter().filter(|v| **v <= 0.03).count(), 2);
        assert!(bh_adjust(&[]).is_empty());
        assert_eq!(bh_adjust(&[0.2]), vec![0.2]);
    }

    #[test]
    fn chi_square_lower_tail() {
        // ν = 2: P(Y ≤ y) = 1 − e^{−y/2}.
        for y in [1e-6, 0.1, 1.0, 5.0, 30.0] {
            let want = -(-y / 2.0f64).exp_m1();
            assert!(close(chi2_lower(2.0, y), want, 1e-12), "{y}");
        }
        // ν = 1: P(Y ≤ 3.841459) = 0.95; ν = 10: P(Y ≤ 3.940299) = 0.05.
        assert!(close(chi2_lower(1.0, 3.841_458_820_694_124), 0.95, 1e-9));
        assert!(close(chi2_lower(10.0, 3.940_299_136_119_255), 0.05, 1e-8));
        // A deep lower tail: ν = 20, y = 0.5 → P ≈ (y/2)^10 e^{-y/2} / Γ(11) × (1 + …).
        let p = chi2_lower(20.0, 0.5);
        assert!(p > 0.0 && p < 1e-12, "{p}");
    }

    #[test]
    fn hypergeometric_and_convolution() {
        let pmf = hypergeometric_pmf(10, 4, 3);
        assert!(close(pmf.iter().sum::<f64>(), 1.0, 1e-12));
        // P(X = 3) = C(4,3)/C(10,3) = 4/120.
        assert!(close(pmf[3], 4.0 / 120.0, 1e-12));
        let central = fisher_noncentral_pmf(10, 4, 3, 1.0);
        for (a, b) in central.iter().zip(&pmf) {
            assert!(close(*a, *b, 1e-12) || (*a == 0.0 && *b == 0.0));
        }
        // ω = 2, N = 4, K = 2, n = 2: weights C(2,x) C(2,2−x) 2^x = 1, 8, 4 → /13.
        let nc = fisher_noncentral_pmf(4, 2, 2, 2.0);
        for (a, b) in nc.iter().zip([1.0 / 13.0, 8.0 / 13.0, 4.0 / 13.0]) {
            assert!(close(*a, b, 1e-12), "{nc:?}");
        }
        let c = convolve(&[vec![0.5, 0.5], vec![0.5, 0.5]]);
        assert_eq!(c, vec![0.25, 0.5, 0.25]);
        assert!(close(pmf_upper(&c, 1), 0.75, 1e-15));
    }

    #[test]
    fn logit_shift_hits_the_target() {
        let logits: Vec<f64> = (0..100).map(|i| -3.0 + 0.06 * f64::from(i)).collect();
        for target in [0.5, 3.0, 30.0, 77.0, 99.5] {
            let d = logit_shift(&logits, target);
            let s: f64 = logits.iter().map(|l| logistic(l + d)).sum();
            assert!((s - target).abs() < 1e-6, "{target}: {s}");
        }
    }

    #[test]
    fn splitmix_is_deterministic_and_uniform_enough() {
        let mut a = SplitMix64::new(derive_seed(1, &[2, 3]));
        let mut b = SplitMix64::new(derive_seed(1, &[2, 3]));
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            counts[x] += 1;
        }
        assert!(
            counts.iter().all(|c| (9_500..10_500).contains(c)),
            "{counts:?}"
        );
        assert_ne!(derive_seed(1, &[2, 3]), derive_seed(1, &[3, 2]));
    }
}
