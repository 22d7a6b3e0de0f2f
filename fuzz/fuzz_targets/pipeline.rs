#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| stancecheck_fuzz::check_pipeline(data));
