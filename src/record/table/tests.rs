use super::*;
use serde_json::json;

fn typing(_kind: &str, pointer: &str) -> CellType {
    match pointer {
        "/score" => CellType::Scalar(Scalar::Integer),
        "/ratio" => CellType::Scalar(Scalar::Number),
        "/applicable" => CellType::Scalar(Scalar::Boolean),
        "/controls" => CellType::List(Scalar::String),
        "/counts" => CellType::List(Scalar::Integer),
        "/email" => CellType::ScalarOrList(Scalar::String, Scalar::String),
        "/residual/level" => CellType::Scalar(Scalar::Integer),
        _ => CellType::Scalar(Scalar::String),
    }
}

fn read(text: &str) -> (Arc<SourceFile>, TableResult) {
    let file = Arc::new(SourceFile::new("registers/risks.csv", text));
    let result = parse(&file, "Risk", &typing, TableLimits::default());
    (file, result)
}

/// `line:column` of the node at `pointer` of record `i`.
fn at(file: &SourceFile, r: &TableResult, i: usize, pointer: &str) -> (usize, usize) {
    let l = r.records[i].location(pointer);
    assert_eq!(l.file, file.path);
    (l.line, l.column)
}

fn places(r: &TableResult) -> Vec<(String, usize, usize)> {
    r.findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().expect("placed");
            (f.rule.clone(), l.line, l.column)
        })
        .collect()
}

#[test]
fn quoted_multiline_cells_keep_positions_of_later_cells() {
    let text = "id,title,owner\nR-1,\"Two\nlines, and \"\"quotes\"\"\",jane\nR-2,Plain,bob\n";
    let (file, r) = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.records.len(), 2);
    assert_eq!(
        r.records[0].value,
        json!({"kind": "Risk", "id": "R-1", "title": "Two\nlines, and \"quotes\"", "owner": "jane"})
    );
    assert_eq!(at(&file, &r, 0, "/title"), (2, 5));
    // `owner` of R-1 is on the quoted cell's last line, after `""",`.
    assert_eq!(at(&file, &r, 0, "/owner"), (3, 24));
    assert_eq!(at(&file, &r, 1, "/id"), (4, 1));
    assert_eq!(at(&file, &r, 1, "/owner"), (4, 11));
    assert_eq!(r.records[1].document, 1);
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}id,score\r\nR-1,3\r\n\r\nR-2,4\r\n";
    let (file, r) = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.records.len(), 2);
    assert_eq!(
        r.records[0].value,
        json!({"kind": "Risk", "id": "R-1", "score": 3})
    );
    assert_eq!(at(&file, &r, 0, "/id"), (2, 1));
    assert_eq!(at(&file, &r, 0, "/score"), (2, 5));
    assert_eq!(at(&file, &r, 1, "/score"), (4, 5));
    // A line break inside a quoted cell reads as `\n`; the items of a
    // list cell keep their places across it.
    let (file, r) = read("id,counts\r\nR-1,\"1;\r\n2\"\r\n");
    assert_eq!(r.records[0].value["counts"], json!([1, 2]));
    assert_eq!(at(&file, &r, 0, "/counts/1"), (3, 1));
    let (_, r) = read("id,title\r\nR-1,\"a\r\nb\"\r\n");
    assert_eq!(r.records[0].value["title"], json!("a\nb"));
    // The header's first cell counts from after the BOM.
    let (_, r) = read("\u{feff}title\r\nx\r\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 1, 1)]);
}

#[test]
fn cells_are_typed() {
    let text = "id,score,ratio,applicable,counts,note\nR-1, 7 ,0.5,TRUE,1; 2;;3,42\nR-2,seven,1e400,maybe,1;x,\n";
    let (file, r) = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(
        r.records[0].value,
        json!({"kind": "Risk", "id": "R-1", "score": 7, "ratio": 0.5, "applicable": true, "counts": [1, 2, 3], "note": "42"})
    );
    // What does not convert stays the cell's text, for the schema to report.
    assert_eq!(
        r.records[1].value,
        json!({"kind": "Risk", "id": "R-2", "score": "seven", "ratio": "1e400", "applicable": "maybe", "counts": [1, "x"]})
    );
    // Each list item has its own place in the cell.
    assert_eq!(at(&file, &r, 0, "/counts/1"), (2, 21));
    assert_eq!(at(&file, &r, 0, "/counts/2"), (2, 24));
    assert_eq!(at(&file, &r, 1, "/counts/1"), (3, 25));
}

#[test]
fn lists_in_quoted_cells_and_either_types() {
    let text = "id,controls,email\nR-1,\"A.5.1; \"\"A.5.2\"\"\",a@x.example\nR-2,A.8.1,a@x.example;b@x.example\n";
    let (file, r) = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(
        r.records[0].value["controls"],
        json!(["A.5.1", "\"A.5.2\""])
    );
    assert_eq!(r.records[0].value["email"], json!("a@x.example"));
    assert_eq!(r.records[1].value["controls"], json!(["A.8.1"]));
    assert_eq!(
        r.records[1].value["email"],
        json!(["a@x.example", "b@x.example"])
    );
    // `"A.5.2"` starts after `R-1,"A.5.1; ` and its doubled quote.
    assert_eq!(at(&file, &r, 0, "/controls/0"), (2, 6));
    assert_eq!(at(&file, &r, 0, "/controls/1"), (2, 13));
}

#[test]
fn nested_fields_and_absent_cells() {
    let text = "id,title,residual/level,residual/note\nR-1,,2,ok\nR-2,T,,\n";
    let (file, r) = read(text);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(
        r.records[0].value,
        json!({"kind": "Risk", "id": "R-1", "residual": {"level": 2, "note": "ok"}})
    );
    assert_eq!(
        r.records[1].value,
        json!({"kind": "Risk", "id": "R-2", "title": "T"})
    );
    // An absent field is placed at its empty cell …
    assert_eq!(at(&file, &r, 0, "/title"), (2, 5));
    assert_eq!(at(&file, &r, 1, "/residual/level"), (3, 7));
    assert_eq!(at(&file, &r, 1, "/residual/note"), (3, 8));
    // … a nested mapping at its first cell, a field without a column at
    // the row's first cell.
    assert_eq!(at(&file, &r, 0, "/residual"), (2, 6));
    assert_eq!(at(&file, &r, 0, "/owner"), (2, 1));
    assert_eq!(at(&file, &r, 1, "/residual/missing"), (3, 7));
    // Unknown keys are placed on the row's cell.
    let key = r.records[0].key_location("/residual/note").expect("key");
    assert_eq!((key.line, key.column), (2, 8));
}

#[test]
fn blank_rows_are_skipped() {
    let (_, r) = read("id,title\n,\n\nR-1,x\n , \n");
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.records.len(), 1);
    // A file without a trailing newline ends its last row.
    let (_, r) = read("id,title\nR-1,x");
    assert_eq!(r.records[0].value["title"], json!("x"));
    let (_, r) = read("");
    assert!(r.records.is_empty() && r.findings.is_empty());
}

#[test]
fn rows_without_an_id() {
    let (_, r) = read("id,title\nR-1,a\n,b\nR-3,c\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 3, 1)]);
    assert!(r.findings[0].message.contains("row has no id"));
    assert_eq!(r.records.len(), 2);
    let (_, r) = read("title,owner\nx,y\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 1, 1)]);
    assert!(r.findings[0].message.contains("no `id` column"));
    assert!(r.records.is_empty());
    let (_, r) = read("id,title\nR 1,x\n");
    assert_eq!(places(&r), vec![("record/invalid-id".to_owned(), 2, 1)]);
}

#[test]
fn header_problems() {
    let (_, r) = read("id,title,title\nR-1,a,b\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 1, 10)]);
    assert!(r.findings[0].message.contains("duplicate column `title`"));
    let related = &r.findings[0].related[0].location;
    assert_eq!((related.line, related.column), (1, 4));
    // The first column still counts.
    assert_eq!(r.records[0].value["title"], json!("a"));

    let (_, r) = read("id,kind,residual,residual/level,a//b,\nR-1,Risk,x,1,y,\n");
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(places(&r).len(), 3, "{messages:?}");
    assert_eq!(
        places(&r),
        vec![
            ("parse".to_owned(), 1, 4),
            ("parse".to_owned(), 1, 18),
            ("parse".to_owned(), 1, 33)
        ]
    );
    assert!(messages[0].contains("`kind` column"));
    assert!(messages[1].contains("clashes with column `residual`"));
    assert!(messages[2].contains("empty part"));
    assert_eq!(
        r.records[0].value,
        json!({"kind": "Risk", "id": "R-1", "residual": "x"})
    );

    // Nor a field nested under `kind` (the fuzzer's find: the tree had a
    // `kind` mapping where the value has the table's kind).
    let (_, r) = read("id,kind/level\nR-1,2\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 1, 4)]);
    assert!(r.findings[0].message.contains("no `kind/level` column"));
    assert_eq!(r.records[0].value, json!({"kind": "Risk", "id": "R-1"}));
    assert_eq!(r.records[0].tree.pointer("/kind"), None);

    // A nameless column is an error only when a row fills it.
    let (_, r) = read("id,\nR-1,x\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 1, 4)]);
}

#[test]
fn ragged_rows() {
    let (_, r) = read("id,title,owner\nR-1,a\nR-2,b,c,d\nR-3,c,e\n");
    assert_eq!(
        places(&r),
        vec![("parse".to_owned(), 2, 6), ("parse".to_owned(), 3, 9)]
    );
    assert!(r.findings[0]
        .message
        .contains("row has 2 cells, the header 3"));
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.unreadable_ids, vec!["R-1".to_owned(), "R-2".to_owned()]);
}

#[test]
fn bad_quotes() {
    let (_, r) = read("id,title\nR-1,\"ab\"cd\nR-2,ok\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 2, 9)]);
    assert!(r.findings[0].message.contains("after the closing quote"));
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.records[0].id, "R-2");

    let (_, r) = read("id,title\nR-1,ok\nR-2,\"never closed\nR-3,x\n");
    assert_eq!(places(&r), vec![("parse".to_owned(), 3, 5)]);
    assert!(r.findings[0].message.contains("never closed"));
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.unreadable_ids, vec!["R-2".to_owned()]);
}

#[test]
fn row_limit() {
    let file = Arc::new(SourceFile::new("t.csv", "id\nA\nB\nC\nD\n"));
    let limits = TableLimits {
        max_rows: 2,
        ..TableLimits::default()
    };
    let r = parse(&file, "Risk", &Untyped, limits);
    assert_eq!(r.records.len(), 2);
    assert_eq!(places(&r), vec![("parse".to_owned(), 4, 1)]);
    assert!(r.findings[0].message.contains("more than 2 rows"));
}

#[test]
fn cell_limit() {
    let file = Arc::new(SourceFile::new(
        "t.csv",
        "id,title\nA,short\nB,\"0123456789\"\nC,ok\n",
    ));
    let limits = TableLimits {
        max_cell_bytes: 9,
        ..TableLimits::default()
    };
    let r = parse(&file, "Risk", &Untyped, limits);
    let ids: Vec<&str> = r.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["A", "C"]);
    assert_eq!(places(&r), vec![("parse".to_owned(), 3, 3)]);
    assert!(r.findings[0].message.contains("cell is 10 bytes"));
    assert!(r.findings[0].message.contains("limits.max_cell_bytes"));
    assert_eq!(r.unreadable_ids, vec!["B".to_owned()]);
}

#[test]
fn long_cells_grow_the_buffer() {
    let long = "x".repeat(5000);
    let (file, r) = read(&format!("id,title,owner\nR-1,{long},jane\n"));
    assert_eq!(r.records[0].value["title"], json!(long));
    assert_eq!(at(&file, &r, 0, "/owner"), (2, 5006));
}

#[test]
fn table_globs() {
    let t = Tables::new(
        &[
            TableSpec {
                files: "registers/risks.csv".to_owned(),
                kind: "Risk".to_owned(),
            },
            TableSpec {
                files: "soa/*.csv".to_owned(),
                kind: "Control".to_owned(),
            },
        ],
        10,
    )
    .expect("globs");
    assert_eq!(t.kind_of("registers/risks.csv"), Some("Risk"));
    assert_eq!(t.kind_of("soa/2026.csv"), Some("Control"));
    assert_eq!(t.kind_of("soa/old/2025.csv"), None);
    assert_eq!(t.kind_of("people/jane.yaml"), None);
}
