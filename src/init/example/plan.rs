//! The commit plan of the example ISMS: who committed what, when, with which
//! trailers. Findings planted here are explained in `EXAMPLE.md`; keep both
//! in step.

use super::people::{ALEX, DANA, LENA, MIA, PRIYA, SAMUEL, TOM, TOM_LAPTOP};
use super::{berlin, Step, TagPlan, EMPTY};

pub(in crate::init) const PLAN: &[Step] = &[
    // 1
    Step {
        when: berlin(2026, 3, 2, 9, 12),
        author: LENA,
        committer: LENA,
        message: "Set up the governance repository\n",
        files: &[
            file!("govlint.yaml"),
            file!("README.md"),
            file!("EXAMPLE.md"),
            file!(".mailmap"),
            file!(".govlint/allowed_signers"),
        ],
    },
    // 2
    Step {
        when: berlin(2026, 3, 3, 10, 5),
        author: LENA,
        committer: LENA,
        message: "Add the ISMS roles and the RACI matrix\n",
        files: &[
            file!("roles/top-management.yaml"),
            file!("roles/ceo.yaml"),
            file!("roles/ciso.yaml"),
            file!("roles/isms-manager.yaml"),
            file!("roles/it-operations.yaml"),
            file!("roles/hr.yaml"),
            file!("roles/legal.yaml"),
            file!("roles/all-staff.yaml"),
            file!("raci/isms-raci.yaml"),
        ],
    },
    // 3
    Step {
        when: berlin(2026, 3, 4, 14, 30),
        author: LENA,
        committer: LENA,
        message: "Add the people of the ISMS\n",
        files: &[
            file!("people/mia-hoffmann.yaml"),
            file!("people/samuel-reyes.yaml"),
            file!("people/dana-okafor.yaml"),
            file!("people/lena-brandt.yaml"),
            file!("people/tom-nguyen.yaml"),
            file!("people/priya-sharma.yaml"),
            file!("people/jonas-berg.yaml"),
            file!("people/alex-kim.yaml"),
        ],
    },
    // 4
    Step {
        when: berlin(2026, 3, 9, 16, 45),
        author: DANA,
        committer: DANA,
        message: "Draft the information security policy\n",
        files: &[version!(
            "policies/information-security-policy.md",
            "information-security-policy.1.md"
        )],
    },
    // 5
    Step {
        when: berlin(2026, 3, 12, 8, 55),
        author: LENA,
        committer: LENA,
        message: "Record the CEO's ISMS kick-off e-mail\n",
        files: &[file!("communications/2026-03-ceo-kickoff.yaml")],
    },
    // 6: a review typed into the author's commit: claimed.
    Step {
        when: berlin(2026, 3, 16, 11, 20),
        author: DANA,
        committer: DANA,
        message: "Revise the information security policy after legal review\n\
                  \n\
                  Adds the supplier security objective and names the GDPR.\n\
                  \n\
                  Reviewed-by: Jonas Berg <jonas.berg@acme.example>\n",
        files: &[version!(
            "policies/information-security-policy.md",
            "information-security-policy.2.md"
        )],
    },
    // 7
    Step {
        when: berlin(2026, 3, 18, 9, 40),
        author: DANA,
        committer: DANA,
        message: "Submit the information security policy for approval\n",
        files: &[file!("policies/information-security-policy.md")],
    },
    // 8: approval in an empty commit by the approver herself: self.
    Step {
        when: berlin(2026, 3, 19, 17, 5),
        author: MIA,
        committer: MIA,
        message: "Approve the information security policy\n\
                  \n\
                  Approves: POL-IS-001\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    // 9
    Step {
        when: berlin(2026, 3, 23, 13, 10),
        author: LENA,
        committer: LENA,
        message: "Add the information security objectives for 2026\n",
        files: &[
            file!("objectives/obj-001.yaml"),
            file!("objectives/obj-002.yaml"),
            version!("objectives/obj-003.yaml", "obj-003.1.yaml"),
            version!("objectives/obj-004.yaml", "obj-004.1.yaml"),
        ],
    },
    // 10: written by Lena, committed and approved by Samuel (four eyes,
    // self); the trailer's old address is mapped by .mailmap.
    Step {
        when: berlin(2026, 3, 26, 15, 0),
        author: LENA,
        committer: SAMUEL,
        message: "Record the H1 2026 resource allocation\n\
                  \n\
                  Approved-by: Samuel Reyes <sam@acme.example>\n",
        files: &[file!("resources/2026-h1.yaml")],
    },
    // 11
    Step {
        when: berlin(2026, 4, 2, 10, 30),
        author: PRIYA,
        committer: PRIYA,
        message: "Open IMP-001: a leaver kept access to two SaaS tools\n",
        files: &[version!("improvements/imp-001.yaml", "imp-001.1.yaml")],
    },
    // 12
    Step {
        when: berlin(2026, 4, 22, 18, 15),
        author: LENA,
        committer: LENA,
        message: "Minutes of the April management review\n",
        files: &[version!(
            "reviews/2026-04-management-review.yaml",
            "2026-04-management-review.1.yaml"
        )],
    },
    // 13
    Step {
        when: berlin(2026, 4, 24, 9, 0),
        author: MIA,
        committer: MIA,
        message: "Approve the minutes of the April management review\n\
                  \n\
                  Approves: MR-2026-04\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    // 14
    Step {
        when: berlin(2026, 5, 6, 14, 0),
        author: DANA,
        committer: DANA,
        message: "Add the access control policy\n\
                  \n\
                  Reviewed-by: Tom Nguyen <tom.nguyen@acme.example>\n",
        files: &[version!(
            "policies/access-control-policy.md",
            "access-control-policy.1.md"
        )],
    },
    // 15: tagged isms-v1 (see TAG).
    Step {
        when: berlin(2026, 5, 7, 10, 10),
        author: MIA,
        committer: MIA,
        message: "Approve the access control policy\n\
                  \n\
                  Approves: POL-AC-001\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    // 16
    Step {
        when: berlin(2026, 5, 20, 16, 20),
        author: PRIYA,
        committer: PRIYA,
        message: "Close IMP-001: SaaS accounts are on the offboarding checklist\n",
        files: &[file!("improvements/imp-001.yaml")],
    },
    // 17
    Step {
        when: berlin(2026, 6, 10, 12, 0),
        author: LENA,
        committer: LENA,
        message: "Record the all-hands on the phishing simulation\n",
        files: &[file!("communications/2026-06-phishing-all-hands.yaml")],
    },
    // 18
    Step {
        when: berlin(2026, 6, 15, 9, 45),
        author: TOM,
        committer: TOM,
        message: "Open IMP-002: MFA is not enforced on the legacy VPN\n",
        files: &[file!("improvements/imp-002.yaml")],
    },
    // 19
    Step {
        when: berlin(2026, 6, 24, 11, 30),
        author: LENA,
        committer: LENA,
        message: "Add objectives for the second half of 2026\n",
        files: &[
            file!("objectives/obj-005.yaml"),
            file!("objectives/obj-006.yaml"),
        ],
    },
    // 20: planted: OBJ-004 is left out of the H2 allocation.
    Step {
        when: berlin(2026, 6, 29, 17, 40),
        author: LENA,
        committer: SAMUEL,
        message: "Record the H2 2026 resource allocation\n\
                  \n\
                  Approved-by: Samuel Reyes <samuel.reyes@acme.example>\n",
        files: &[file!("resources/2026-h2.yaml")],
    },
    // 21
    Step {
        when: berlin(2026, 7, 14, 10, 0),
        author: LENA,
        committer: LENA,
        message: "Waive the resource rule for OBJ-006 until the 2027 budget\n",
        files: &[file!("waivers/wvr-001.yaml")],
    },
    // 22
    Step {
        when: berlin(2026, 7, 15, 8, 50),
        author: SAMUEL,
        committer: SAMUEL,
        message: "Approve waiver WVR-001\n\
                  \n\
                  Approves: WVR-001\n\
                  Approved-by: Samuel Reyes <samuel.reyes@acme.example>\n",
        files: EMPTY,
    },
    // 23: planted: an approved policy edited without a new approval.
    Step {
        when: berlin(2026, 8, 12, 21, 15),
        author: TOM_LAPTOP,
        committer: TOM_LAPTOP,
        message: "Access control policy: hardware keys for administrators\n",
        files: &[file!("policies/access-control-policy.md")],
    },
    // 24: planted: due 2026-10-31 and never closed.
    Step {
        when: berlin(2026, 8, 20, 10, 25),
        author: TOM,
        committer: TOM,
        message: "Open IMP-003: billing database backups never restore-tested\n",
        files: &[file!("improvements/imp-003.yaml")],
    },
    // 25: planted: Lena types the chair's approval into her own commit:
    // claimed only.
    Step {
        when: berlin(2026, 9, 24, 17, 30),
        author: LENA,
        committer: LENA,
        message: "Minutes of the September management review\n\
                  \n\
                  Also closes the actions of the April review.\n\
                  \n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: &[
            file!("reviews/2026-09-management-review.yaml"),
            file!("reviews/2026-04-management-review.yaml"),
        ],
    },
    // 26: the April minutes changed, so their chair approves them again.
    Step {
        when: berlin(2026, 9, 25, 11, 0),
        author: MIA,
        committer: MIA,
        message: "Approve the updated minutes of the April management review\n\
                  \n\
                  Approves: MR-2026-04\n\
                  Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
        files: EMPTY,
    },
    // 27
    Step {
        when: berlin(2026, 9, 28, 14, 5),
        author: LENA,
        committer: LENA,
        message: "Update the objectives after the September review\n",
        files: &[
            file!("objectives/obj-003.yaml"),
            file!("objectives/obj-004.yaml"),
        ],
    },
    // 28
    Step {
        when: berlin(2026, 10, 5, 16, 0),
        author: LENA,
        committer: LENA,
        message: "Record the CEO's town hall on the 2027 strategy\n",
        files: &[file!("communications/2026-10-town-hall.yaml")],
    },
    // 29
    Step {
        when: berlin(2026, 10, 12, 10, 40),
        author: ALEX,
        committer: ALEX,
        message: "Open IMP-004: rotate the CI deploy keys\n",
        files: &[file!("improvements/imp-004.yaml")],
    },
    // 30: a review by trailers alone, by the reviewer herself, with the
    // second of her two addresses.
    Step {
        when: berlin(2026, 10, 19, 15, 30),
        author: DANA,
        committer: DANA,
        message: "Review the information security policy: no changes needed\n\
                  \n\
                  Reviews: POL-IS-001\n\
                  Reviewed-by: Dana Okafor <dana@acme.example>\n",
        files: EMPTY,
    },
];

pub(in crate::init) const TAG: TagPlan = TagPlan {
    name: "isms-v1",
    after_step: 15,
    when: berlin(2026, 5, 8, 9, 30),
    tagger: MIA,
    message: "ISMS baseline v1\n\
              \n\
              Policy, roles, RACI matrix, objectives and resources in place.\n\
              \n\
              Approves: RACI-ISMS\n\
              Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
};
