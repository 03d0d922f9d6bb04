//! Theory papers and how candidates answer them. Each paper has 100 objective items
//! (80 single-choice A–D, 20 true/false A/B), so the theory score is the number of
//! correct answers. Item difficulty, discrimination and the attractiveness of each
//! distractor are drawn once per paper; a candidate of ability θ answers item i
//! correctly with the 3-parameter logistic probability, otherwise picks a distractor
//! by its attractiveness or leaves the item blank (`-`).
//!
//! Exams differ honestly in difficulty: every occupation × level has a theory
//! hardness (added to the difficulty of all its papers' items, sd 0.45 logits) and a
//! skill hardness (subtracted from its skill marks, sd 3.5 points), so pass-rate
//! baselines differ between occupations and levels as they do in practice.

use super::util::{hash64, normal};
use domain::enums::Subject;
use domain::ids::PaperId;
use domain::model::Paper;
use domain::{Level, OccupationCode};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Items per paper.
pub const ITEMS: usize = 100;
/// Single-choice items (the rest are true/false).
pub const CHOICE_ITEMS: usize = 80;
/// Papers per occupation, level and year.
pub const PAPERS_PER_YEAR: u32 = 6;

/// The psychometric description of one paper.
#[derive(Debug)]
pub struct PaperSpec {
    pub id: PaperId,
    /// The answer key, one ASCII letter per item.
    pub key: Vec<u8>,
    difficulty: Vec<f64>,
    discrimination: Vec<f64>,
    /// Attractiveness of the wrong options of each item (A–D order, key excluded).
    attract: Vec<[f64; 4]>,
}

/// A draw of N(0, 1) fixed by the seed and a text.
fn fixed_normal(seed: u64, text: &str, salt: u64) -> f64 {
    normal(&mut ChaCha8Rng::seed_from_u64(hash64(
        seed,
        text.as_bytes(),
        salt,
    )))
}

/// The theory hardness (logits added to item difficulty) of an occupation and level.
pub fn theory_hardness(seed: u64, occ: &OccupationCode, level: Level) -> f64 {
    (0.45 * fixed_normal(seed, &format!("{occ}-{}", level.number()), 11)).clamp(-1.2, 1.2)
}

/// The skill hardness (points off every skill mark) of an occupation and level.
pub fn skill_hardness(seed: u64, occ: &OccupationCode, level: Level) -> f64 {
    (3.5 * fixed_normal(seed, &format!("{occ}-{}", level.number()), 13)).clamp(-9.0, 9.0)
}

/// The theory hardness of the occupation and level a paper id names
/// (`LL-{occ}-{level}-{year}-{k}`); 0 for other ids.
fn hardness_of_paper(seed: u64, id: &str) -> f64 {
    let parts: Vec<&str> = id.split('-').collect();
    // LL, occupation in 4 or 5 parts, level, year, k.
    if parts.len() < 8 || parts[0] != "LL" {
        return 0.0;
    }
    let occ = parts[1..parts.len() - 3].join("-");
    let level = parts[parts.len() - 3]
        .parse::<u8>()
        .ok()
        .and_then(|l| Level::new(l).ok());
    match (OccupationCode::parse(&occ), level) {
        (Ok(o), Some(l)) => theory_hardness(seed, &o, l),
        _ => 0.0,
    }
}

impl PaperSpec {
    fn new(seed: u64, id: &str) -> PaperSpec {
        let mut rng = ChaCha8Rng::seed_from_u64(hash64(seed, id.as_bytes(), 7));
        let hardness = hardness_of_paper(seed, id);
        let mut key = Vec::with_capacity(ITEMS);
        let mut difficulty = Vec::with_capacity(ITEMS);
        let mut discrimination = Vec::with_capacity(ITEMS);
        let mut attract = Vec::with_capacity(ITEMS);
        for i in 0..ITEMS {
            let options = if i < CHOICE_ITEMS { 4 } else { 2 };
            let k = rng.random_range(0..options);
            key.push(b'A' + k as u8);
            difficulty.push(-0.9 + hardness + 1.0 * normal(&mut rng));
            discrimination.push(rng.random_range(0.5..1.9));
            let mut w = [0.0; 4];
            for (o, slot) in w.iter_mut().enumerate().take(options) {
                if o != k {
                    *slot = (0.9 * normal(&mut rng)).exp();
                }
            }
            attract.push(w);
        }
        PaperSpec {
            id: PaperId::parse(id).expect("paper id"),
            key,
            difficulty,
            discrimination,
            attract,
        }
    }

    /// Probability that a candidate of ability `theta` answers item `i` correctly.
    pub fn p_correct(&self, i: usize, theta: f64) -> f64 {
        let guess = if i < CHOICE_ITEMS { 0.2 } else { 0.4 };
        let z = 1.7 * self.discrimination[i] * (theta - self.difficulty[i]);
        guess + (1.0 - guess) / (1.0 + (-z).exp())
    }

    /// A wrong response to item `i`: a distractor by attractiveness, or blank.
    pub fn wrong(&self, i: usize, rng: &mut ChaCha8Rng) -> u8 {
        if rng.random_bool(0.04) {
            return b'-';
        }
        let w = &self.attract[i];
        let total: f64 = w.iter().sum();
        let mut x = rng.random::<f64>() * total;
        for (o, v) in w.iter().enumerate() {
            if *v > 0.0 {
                if x < *v {
                    return b'A' + o as u8;
                }
                x -= v;
            }
        }
        // Rounding: the last non-key option.
        (0..4)
            .rev()
            .find(|&o| w[o] > 0.0)
            .map(|o| b'A' + o as u8)
            .expect("every item has a distractor")
    }

    /// A distractor of item `i` by attractiveness (never blank).
    pub fn distractor(&self, i: usize, rng: &mut ChaCha8Rng) -> u8 {
        loop {
            let c = self.wrong(i, rng);
            if c != b'-' {
                return c;
            }
        }
    }

    /// An answer sheet that circulates among copiers: the key, except on `k` items
    /// (drawn with weight 1 − P(correct) at ability `theta`, i.e. the items its author
    /// would get wrong) where it holds a distractor.
    pub fn sheet(&self, k: usize, theta: f64, rng: &mut ChaCha8Rng) -> Vec<u8> {
        // Weighted sampling without replacement (Efraimidis–Spirakis keys).
        let mut keys: Vec<(f64, usize)> = (0..ITEMS)
            .map(|i| {
                let w = (1.0 - self.p_correct(i, theta)).max(1e-6);
                let u: f64 = rng.random::<f64>().max(1e-300);
                (u.ln() / w, i)
            })
            .collect();
        keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out = self.key.clone();
        for &(_, i) in keys.iter().take(k.min(ITEMS)) {
            out[i] = self.distractor(i, rng);
        }
        out
    }

    /// A candidate's responses and number correct.
    pub fn respond(&self, theta: f64, rng: &mut ChaCha8Rng) -> (String, u32) {
        let mut out = Vec::with_capacity(ITEMS);
        let mut correct = 0;
        for i in 0..ITEMS {
            if rng.random::<f64>() < self.p_correct(i, theta) {
                out.push(self.key[i]);
                correct += 1;
            } else {
                out.push(self.wrong(i, rng));
            }
        }
        (String::from_utf8(out).expect("ASCII"), correct)
    }

    /// Number of correct responses in `responses`.
    pub fn score(&self, responses: &str) -> u32 {
        responses
            .bytes()
            .zip(&self.key)
            .filter(|(r, k)| r == *k)
            .count() as u32
    }
}

/// The province's paper bank: specifications by id (derived from the seed, so
/// nothing but the ids needs to be kept) and which papers were already written out.
pub struct Papers {
    seed: u64,
    cache: BTreeMap<String, Rc<PaperSpec>>,
    emitted: BTreeSet<String>,
}

impl Papers {
    pub fn new(seed: u64) -> Papers {
        Papers {
            seed,
            cache: BTreeMap::new(),
            emitted: BTreeSet::new(),
        }
    }

    /// The id of theory paper `k` (1-based) of an occupation, level and year.
    pub fn theory_id(occ: &OccupationCode, level: Level, year: i32, k: u32) -> String {
        format!("LL-{occ}-{}-{year}-{k:02}", level.number())
    }

    /// The id of skill paper `k` (操作技能试卷; not an objective paper, so it is not
    /// in the papers table).
    pub fn skill_id(occ: &OccupationCode, level: Level, year: i32, k: u32) -> String {
        format!("CZ-{occ}-{}-{year}-{k:02}", level.number())
    }

    /// The specification of a theory paper.
    pub fn get(&mut self, id: &str) -> Rc<PaperSpec> {
        if let Some(p) = self.cache.get(id) {
            return p.clone();
        }
        let p = Rc::new(PaperSpec::new(self.seed, id));
        self.cache.insert(id.to_string(), p.clone());
        p
    }

    /// The papers-table row of a theory paper, the first time it is used.
    pub fn row_if_new(&mut self, id: &str, occ: OccupationCode, level: Level) -> Option<Paper> {
        if !self.emitted.insert(id.to_string()) {
            return None;
        }
        let spec = self.get(id);
        Some(Paper {
            paper_id: spec.id.clone(),
            occupation_code: occ,
            level,
            subject: Subject::Theory,
            answer_key: String::from_utf8(spec.key.clone()).expect("ASCII"),
        })
    }
}

/// A skill score in tenths, rounded to half points: latent skill, the grading
/// examiner's severity (and the exam's skill hardness) and noise around 74.
pub fn skill_score(skill: f64, examiner_bias: f64, rng: &mut ChaCha8Rng) -> i32 {
    let raw = 74.0 + 10.5 * skill + examiner_bias + 3.0 * normal(rng);
    half_points(raw.clamp(15.0, 98.0))
}

/// A review (综合评审) score in tenths, rounded to half points.
pub fn review_score(theta: f64, skill: f64, rng: &mut ChaCha8Rng) -> i32 {
    let raw = 77.0 + 4.0 * theta + 4.0 * skill + 5.0 * normal(rng);
    half_points(raw.clamp(30.0, 97.0))
}

/// Tenths of a point rounded to half points.
pub fn half_points(x: f64) -> i32 {
    ((x * 2.0).round() * 5.0) as i32
}
