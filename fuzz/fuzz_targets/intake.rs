//! Document intake over arbitrary bytes, unbounded under libFuzzer (`cargo fuzz run intake`).
//! The harness is core's (`berkas_core::docs::fuzz_intake`), which the ordinary tests also run,
//! bounded, over mutated seeds (`core/tests/intake_fuzz.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    berkas_core::docs::fuzz_intake(data);
});
