//! The rest of the example's ISMS (SPEC 1.3): the scope and interested
//! parties (4.2, 4.3), the risk method, the risk register and the Statement
//! of Applicability (6.1.2, 6.1.3, 8.2, 8.3), competences (7.2),
//! measurements (9.1), the internal audit (9.2) and nonconformities (10.2),
//! with their approvals. These steps are merged into the plan by time
//! ([`super::steps`]); the findings they plant are explained in
//! `EXAMPLE.md`, under the same numbers as there.

use super::people::{DANA, JONAS, LENA, MIA, PRIYA, SAMUEL, TOM};
use super::{berlin, Step, EMPTY};

pub(in crate::init) const STEPS: &[Step] = &[
    Step {
        when: berlin(2026, 3, 5, 11, 0),
        author: LENA,
        committer: LENA,
        message: "Document the ISMS scope and its interested parties\n",
        files: &[
            file!("context/scope.yaml"),
            file!("context/interested-parties.yaml"),
        ],
    },
    // Approved by the CEO in a commit of her own: self.
    Step {
        when: berlin(2026, 3, 10, 9, 30),
        author: MIA,
        committer: MIA,
        message: "Approve the ISMS scope\n\
                  \n\
                  Approves: SCOPE-ISMS\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 3, 25, 10, 0),
        author: DANA,
        committer: DANA,
        message: "Adopt the 5x5 risk assessment method\n",
        files: &[file!("risk/risk-method.yaml")],
    },
    Step {
        when: berlin(2026, 3, 27, 9, 15),
        author: MIA,
        committer: MIA,
        message: "Approve the risk assessment method\n\
                  \n\
                  Approves: RM-5X5\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    // The first risk register: written by the CISO, committed and approved
    // by Samuel for top management (four eyes).
    Step {
        when: berlin(2026, 4, 8, 14, 0),
        author: DANA,
        committer: SAMUEL,
        message: "Risk register after the first risk assessment\n\
                  \n\
                  Nine risks, owned and treated; residual risks accepted by their owners.\n\
                  \n\
                  Approved-by: Samuel Reyes <samuel.reyes@acme.example>\n",
        files: &[version!("registers/risks.csv", "risks.1.csv")],
    },
    // Each risk owner accepts their residual risks in a commit of their own
    // (self): the approval binds to the register as a whole.
    Step {
        when: berlin(2026, 4, 9, 10, 0),
        author: DANA,
        committer: DANA,
        message: "Accept the residual risk of R-001\n\
                  \n\
                  Approves: R-001\n\
                  Approved-by: Dana Okafor <dana.okafor@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 4, 9, 14, 30),
        author: PRIYA,
        committer: PRIYA,
        message: "Accept the residual risk of R-002\n\
                  \n\
                  Approves: R-002\n\
                  Approved-by: Priya Sharma <priya.sharma@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 4, 10, 9, 10),
        author: TOM,
        committer: TOM,
        message: "Accept the residual risks of R-003 and R-006\n\
                  \n\
                  Approves: R-003\n\
                  Approves: R-006\n\
                  Approved-by: Tom Nguyen <tom.nguyen@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 4, 10, 11, 0),
        author: JONAS,
        committer: JONAS,
        message: "Accept the residual risks of R-007 and R-008\n\
                  \n\
                  Approves: R-007\n\
                  Approves: R-008\n\
                  Approved-by: Jonas Berg <jonas.berg@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 4, 13, 16, 0),
        author: LENA,
        committer: LENA,
        message: "Accept the residual risk of R-009\n\
                  \n\
                  Approves: R-009\n\
                  Approved-by: Lena Brandt <lena.brandt@acme.example>\n",
        files: EMPTY,
    },
    // Planted (6): A.8.30 is excluded with an empty justification.
    Step {
        when: berlin(2026, 4, 15, 16, 30),
        author: DANA,
        committer: DANA,
        message: "Statement of Applicability: all 93 Annex A controls\n",
        files: &[
            version!("soa/controls.csv", "controls.1.csv"),
            version!(
                "soa/statement-of-applicability.yaml",
                "statement-of-applicability.1.yaml"
            ),
        ],
    },
    Step {
        when: berlin(2026, 4, 20, 10, 0),
        author: MIA,
        committer: MIA,
        message: "Approve the Statement of Applicability\n\
                  \n\
                  Approves: SOA-2026\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 5, 12, 11, 45),
        author: LENA,
        committer: LENA,
        message: "Record the competences the ISMS roles require\n",
        files: &[
            file!("competences/lena-brandt-isms.yaml"),
            file!("competences/dana-okafor-ciso.yaml"),
            file!("competences/tom-nguyen-ops.yaml"),
        ],
    },
    Step {
        when: berlin(2026, 6, 22, 15, 10),
        author: LENA,
        committer: LENA,
        message: "Jonas Berg is trained as internal auditor\n",
        files: &[file!("competences/jonas-berg-audit.yaml")],
    },
    Step {
        when: berlin(2026, 7, 2, 9, 20),
        author: LENA,
        committer: LENA,
        message: "Open NC-2026-002: the Q2 access review was skipped\n",
        files: &[version!(
            "nonconformities/nc-2026-002.yaml",
            "nc-2026-002.1.yaml"
        )],
    },
    // The internal audit, by someone who does not work in the areas he
    // audits; its nonconformity is opened the next day.
    Step {
        when: berlin(2026, 8, 18, 16, 0),
        author: JONAS,
        committer: JONAS,
        message: "Report of the 2026 internal audit\n",
        files: &[
            file!("audits/2026-internal-audit.yaml"),
            file!("nonconformities/nc-2026-001.yaml"),
        ],
    },
    // Planted (7): closed without an effectiveness review.
    Step {
        when: berlin(2026, 9, 2, 13, 40),
        author: TOM,
        committer: TOM,
        message: "Close NC-2026-002: the access review is a recurring ticket now\n",
        files: &[file!("nonconformities/nc-2026-002.yaml")],
    },
    // The register after the audit: R-003 raised, R-010 added (planted
    // (5): its level is not the matrix's), approved by Samuel again.
    Step {
        when: berlin(2026, 10, 14, 10, 20),
        author: DANA,
        committer: SAMUEL,
        message: "Update the risk register after the internal audit\n\
                  \n\
                  R-003 is raised to possible: restores were never tested (NC-2026-001).\n\
                  R-010 is new: administrators' production access.\n\
                  \n\
                  Approved-by: Samuel Reyes <samuel.reyes@acme.example>\n",
        files: &[file!("registers/risks.csv")],
    },
    // The SoA's version 1.1 (A.8.13 and A.5.30 partial after the audit),
    // written by Dana and committed and approved by the CEO: the approval
    // binds to both files, the table as a whole.
    Step {
        when: berlin(2026, 10, 15, 9, 0),
        author: DANA,
        committer: MIA,
        message: "Statement of Applicability 1.1 after the internal audit\n\
                  \n\
                  A.8.13 and A.5.30 are partial until restores are tested (NC-2026-001).\n\
                  \n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: &[
            file!("soa/controls.csv"),
            file!("soa/statement-of-applicability.yaml"),
        ],
    },
    // Planted (5): Dana accepts R-010 at the level the register states.
    Step {
        when: berlin(2026, 10, 16, 8, 45),
        author: DANA,
        committer: DANA,
        message: "Accept R-010 as a retained risk\n\
                  \n\
                  Approves: R-010\n\
                  Approved-by: Dana Okafor <dana.okafor@acme.example>\n",
        files: EMPTY,
    },
    Step {
        when: berlin(2026, 10, 21, 17, 0),
        author: LENA,
        committer: LENA,
        message: "Record the objectives' measurements up to October\n",
        files: &[
            file!("measurements/meas-obj-001.yaml"),
            file!("measurements/meas-obj-002.yaml"),
            file!("measurements/meas-obj-003.yaml"),
            file!("measurements/meas-obj-004.yaml"),
            file!("measurements/meas-obj-005.yaml"),
            file!("measurements/meas-obj-006.yaml"),
        ],
    },
];
