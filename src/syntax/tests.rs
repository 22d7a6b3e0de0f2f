//! Unit tests of the parser's internals: a big file parsed in pieces
//! gives the tree of one parse, and the lexer's throughput (ignored, a
//! measurement). The parser through its public API is tested in
//! `tests/it/syntax.rs`.

use super::*;

fn p(text: &str) -> (ast::File, Vec<Diagnostic>) {
    parse(FileId(0), text)
}

#[test]
#[ignore]
fn throughput() {
    let mut text = String::new();
    let mut k = 0;
    while text.len() < 32 << 20 {
        k += 1;
        text.push_str(&format!(
            "# block {k}\n\
             party p{k} \"Party number {k}\"\n\
             topic t{k}    \"topic {k} of the dispute\"\n\
             party p{k} {{\n  \
               z{k}: no t{k} without guarantees@eu   \"no t{k} without guarantees\"\n  \
               requires (ceasefire and t{k}) or not sanctions when peace_talks\n  \
               rejects guarantees@p{k} -> peacekeepers    \"never\"\n  \
               duty eu: guarantees\n  \
               prefers a{k} & b{k} | !c{k}\n\
             }}\n\
             assume guarantees@eu -> peacekeepers <-> troops_{k}   \"source {k}\"\n\
             scenario s{k} \"deal {k}\" {{ ceasefire, t{k} }}\n\
             expect infeasible s{k} for p{k}, eu\n"
        ));
    }
    let start = std::time::Instant::now();
    let lexed = super::lexer::lex(FileId(0), &text);
    let lex_secs = start.elapsed().as_secs_f64();
    println!(
        "lexed {} tokens in {:.3} s: {:.0} MB/s",
        lexed.tokens.len(),
        lex_secs,
        text.len() as f64 / 1e6 / lex_secs
    );
    drop(lexed);
    let start = std::time::Instant::now();
    let (file, e) = p(&text);
    let secs = start.elapsed().as_secs_f64();
    assert!(e.is_empty());
    drop(file);
    // again, with memory already obtained from the system
    let start = std::time::Instant::now();
    let (file, _) = p(&text);
    let warm = start.elapsed().as_secs_f64();
    println!("warm: {:.0} MB/s", text.len() as f64 / 1e6 / warm);
    drop(file);
    // many small files, as a checker run sees them
    let small = &text[..text[..1 << 20].rfind("# block").unwrap_or(0)];
    let start = std::time::Instant::now();
    let mut dropping = 0.0;
    for _ in 0..30 {
        let (file, _) = p(small);
        std::hint::black_box(&file);
        let d = std::time::Instant::now();
        drop(file);
        dropping += d.elapsed().as_secs_f64();
    }
    let many = start.elapsed().as_secs_f64() - dropping;
    println!("(dropping the trees took {dropping:.3} s)");
    println!(
        "1 MB files, 30 times: {:.0} MB/s",
        small.len() as f64 * 30.0 / 1e6 / many
    );
    let (file, _) = p(small);
    println!(
        "parsed {:.1} MB ({} items) in {:.3} s: {:.0} MB/s",
        text.len() as f64 / 1e6,
        file.items.len(),
        secs,
        text.len() as f64 / 1e6 / secs
    );
}

// ------------------------------------------------------------- pieces

/// The starts of all lines that start with an item keyword.
pub(super) fn item_lines(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&at| at > 0 && item_line(text, at))
        .collect()
}

#[test]
fn pieces_parse_as_the_whole() {
    let corpus = [
        include_str!("../../rules/ukraine-minerals-2025.stance"),
        include_str!("../../rules/iran-nuclear-deal-2018.stance"),
        include_str!("../../rules/brexit-backstop-2019.stance"),
        include_str!("../../rules/cop29-climate-finance-2024.stance"),
    ];
    for text in [
        crate::generate::disputes(40, 3).text,
        crate::generate::scenarios(40, 3).text,
        crate::generate::replicate(&corpus, 3),
    ] {
        let (whole, errors) = p(&text);
        assert!(errors.is_empty() && !whole.items.is_empty());
        for pieces in 2..6 {
            let cuts = cut_points(&text, pieces);
            assert_eq!(cuts.len(), pieces - 1);
            assert!(cuts.iter().all(|&c| item_line(&text, c)));
            let items = pieces_of(FileId(0), &text, &cuts);
            assert!(items == Some(whole.items.clone()), "{pieces} pieces");
        }
        // a cut at every item line
        let every = item_lines(&text);
        assert!(pieces_of(FileId(0), &text, &every) == Some(whole.items.clone()));
    }
}

#[test]
fn a_piece_with_an_error_means_a_parse_in_one_piece() {
    // the block of `a` is never closed: the piece before the cut ends
    // inside it, and the parse in one piece reports it
    let text = "party a {\n  requires x\nparty b {\n  requires y\n}\n";
    let cuts = item_lines(text);
    assert_eq!(cuts, [23]);
    assert!(pieces_of(FileId(0), text, &cuts).is_none());
    // an unclosed parenthesis before the cut
    let text = "party a {\n  requires (x and\n}\ntopic x\n";
    assert!(pieces_of(FileId(0), text, &item_lines(text)).is_none());
    // a big file with an error anywhere is reported like a small one
    let mut big = crate::generate::disputes(2_000, 1).text;
    assert!(crate::parallel::in_pieces(big.len()));
    let at = big.len() / 3;
    let at = at + big[at..].find("requires").unwrap_or(0);
    big.insert_str(at, "requires (");
    let (_, errors) = p(&big);
    let (_, one) = parse_piece(FileId(0), &big, 0);
    assert!(!errors.is_empty());
    assert_eq!(
        errors
            .iter()
            .map(|d| (d.span, &d.message))
            .collect::<Vec<_>>(),
        one.iter().map(|d| (d.span, &d.message)).collect::<Vec<_>>()
    );
}
