//! The intake fuzz harness, bounded, in every test run: each seed of `fuzz/seeds/intake` (JPEG,
//! PNG, WebP, PDF, a crop, EXIF orientation, two pages) and a fixed number of mutations of it
//! (bytes flipped, the file cut short, a run repeated, a part of another seed spliced in),
//! under each mode of the first byte (crop quad or not, one page or two). Every input must end in a document or a refusal with a
//! code, never a panic. The unbounded run is `cargo fuzz run intake` (nightly).

use berkas_core::docs::fuzz_intake;

/// Mutations per seed: enough to reach every decoder's error paths, bounded for CI.
const MUTATIONS: u64 = 24;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*: deterministic, so a failure names its seed and round.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

fn mutate(seed: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    match rng.below(4) {
        0 => {
            for _ in 0..=rng.below(16) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        1 => b.truncate(rng.below(b.len())),
        2 => {
            let (at, len) = (rng.below(b.len()), 1 + rng.below(64));
            let run: Vec<u8> = b[at..(at + len).min(b.len())].to_vec();
            for _ in 0..=rng.below(8) {
                b.splice(at..at, run.iter().copied());
            }
        }
        _ => {
            let (at, from) = (rng.below(b.len()), rng.below(other.len()));
            let part = &other[from..(from + 1 + rng.below(512)).min(other.len())];
            b.splice(at..(at + part.len()).min(b.len()), part.iter().copied());
        }
    }
    b
}

#[test]
fn intake_refuses_every_mutated_seed_by_code_and_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/intake");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("the intake seeds")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                std::fs::read(&p).expect("seed"),
            )
        })
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 6, "the seed corpus is missing: {}", dir.display());
    let (mut runs, mut documents, mut refused, mut seeds_made) = (0, 0, 0, 0);
    for (i, (name, seed)) in seeds.iter().enumerate() {
        let other = &seeds[(i + 1) % seeds.len()].1;
        let mut rng = Rng(0x1a7a_6e00 + i as u64);
        for round in 0..=MUTATIONS {
            // A seed is a whole fuzz input: its first byte is the mode, then a crop quad if
            // the mode asks for one, then the file.
            let body = if round == 0 { seed.clone() } else { mutate(seed, other, &mut rng) };
            let Some(&own) = body.first() else { continue };
            for mode in [own, own ^ 1, own ^ 2, own ^ 3] {
                let mut input = body.clone();
                input[0] = mode;
                let outcome = std::panic::catch_unwind(|| fuzz_intake(&input));
                let made =
                    outcome.unwrap_or_else(|_| panic!("{name}, mutation {round}, mode {mode}: the intake panicked"));
                if round == 0 && mode == own && made {
                    seeds_made += 1;
                }
                runs += 1;
                if made {
                    documents += 1;
                } else {
                    refused += 1;
                }
            }
        }
    }
    assert!(runs >= seeds.len() * (MUTATIONS as usize + 1) * 4 * 9 / 10, "only {runs} inputs ran");
    // The corpus holds real documents (a seed may be a refusal on purpose, as a bad crop).
    assert!(seeds_made * 2 >= seeds.len(), "only {seeds_made} of {} seeds are documents", seeds.len());
    // Both ends were reached: documents made and inputs refused by code.
    assert!(documents > seeds.len() && refused > seeds.len(), "{documents} documents, {refused} refused");
    eprintln!("intake fuzz: {runs} inputs, {documents} documents, {refused} refused by code");
}
