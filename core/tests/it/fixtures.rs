//! Meta-documented error answers (fixtures/graph/errors) classify the same way in every language.

use instagram_graph::Error;
use serde_json::Value;
use std::path::PathBuf;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[test]
fn error_fixtures_classify_as_documented() {
    let dir = fixtures_dir().join("graph/errors");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let status = f["http_status"].as_u64().unwrap() as u16;
        let body = (!f["body"].is_null()).then(|| f["body"].clone());
        let got = Error::from_graph(status, body.as_ref()).to_json();
        for (k, want) in f["expected"].as_object().unwrap() {
            assert_eq!(&got[k], want, "{}: field {k}", path.display());
        }
        n += 1;
    }
    assert!(n >= 10, "expected the error fixtures, found {n}");
}
