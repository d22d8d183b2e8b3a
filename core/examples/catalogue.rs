//! Print the operation catalogue as JSON (`cargo run -p instagram-graph --example catalogue`).
fn main() {
    println!(
        "{}",
        serde_json::to_string_pretty(&instagram_graph::operations()).expect("catalogue is JSON")
    );
}
