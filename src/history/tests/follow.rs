//! `History::changes` agrees with `git log --follow` on a history of random
//! edits, renames (exact and with edits), deletions and re-additions.

use super::super::testing::TestRepo;
use super::{build, ids};

/// A small deterministic generator (Knuth's MMIX LCG), so failures replay.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % n
    }
}

fn content(name: &str, revision: usize) -> String {
    let mut lines: Vec<String> = (0..12)
        .map(|i| format!("{name}: requirement {i} of the {name} record\n"))
        .collect();
    lines[revision % 12] = format!("{name}: revision {revision}\n");
    lines.concat()
}

#[test]
fn random_histories_match_git_log_follow() {
    for seed in [1, 2, 3] {
        let mut rng = Lcg(seed);
        let repo = TestRepo::new();
        // (current path, record name)
        let mut files: Vec<(String, String)> = (0..6)
            .map(|i| (format!("records/r{i}.yaml"), format!("record-{i}")))
            .collect();
        for (path, name) in &files {
            repo.write(path, content(name, 0));
        }
        repo.commit("Add records").run();
        for step in 1..40 {
            let k = rng.below(files.len());
            let (path, name) = files[k].clone();
            let message = match rng.below(4) {
                0 => {
                    repo.write(&path, content(&name, step));
                    "Edit"
                }
                1 | 2 => {
                    let to = format!("dir{}/{}-{step}.yaml", rng.below(3), name);
                    repo.mv(&path, &to);
                    if rng.below(2) == 0 {
                        repo.write(&to, content(&name, step));
                    }
                    files[k].0 = to;
                    "Rename"
                }
                _ => {
                    repo.git(&["rm", "-q", &path]);
                    repo.commit("Delete").run();
                    repo.write(&path, content(&name, step));
                    "Re-add"
                }
            };
            repo.commit(message).run();
        }
        let history = build(&repo);
        for (path, _) in &files {
            let git = repo.git(&["log", "--follow", "--format=%H", "--", path]);
            assert_eq!(
                ids(&history.changes(path)),
                git.lines().collect::<Vec<_>>(),
                "seed {seed}, {path}"
            );
            // The newest blob, asked alone, is the first change's, and the
            // blob git holds for the file at HEAD.
            let changes = history.changes(path);
            assert_eq!(
                history.newest_blob(path),
                changes.first().and_then(|c| c.blob),
                "seed {seed}, {path}"
            );
            let at_head = repo.git(&["rev-parse", &format!("HEAD:{path}")]);
            assert_eq!(
                history.newest_blob(path).map(|b| b.to_string()),
                Some(at_head.trim().to_owned()),
                "seed {seed}, {path}"
            );
        }
        assert_eq!(history.newest_blob("never/there.yaml"), None);
    }
}
