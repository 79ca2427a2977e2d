//! The people of the example ISMS, as git identities: one list shared by
//! the plan, the rest of the ISMS and the witness part.

use super::Ident;

pub(super) const MIA: Ident = Ident {
    name: "Mia Hoffmann",
    email: "mia.hoffmann@acme.example",
};
pub(super) const SAMUEL: Ident = Ident {
    name: "Samuel Reyes",
    email: "samuel.reyes@acme.example",
};
pub(super) const DANA: Ident = Ident {
    name: "Dana Okafor",
    email: "dana.okafor@acme.example",
};
pub(super) const LENA: Ident = Ident {
    name: "Lena Brandt",
    email: "lena.brandt@acme.example",
};
pub(super) const TOM: Ident = Ident {
    name: "Tom Nguyen",
    email: "tom.nguyen@acme.example",
};
/// Tom's laptop identity, mapped to his work address by `.mailmap`.
pub(super) const TOM_LAPTOP: Ident = Ident {
    name: "Tom Nguyen",
    email: "tom@nguyen-laptop.local",
};
pub(super) const PRIYA: Ident = Ident {
    name: "Priya Sharma",
    email: "priya.sharma@acme.example",
};
pub(super) const ALEX: Ident = Ident {
    name: "Alex Kim",
    email: "alex.kim@acme.example",
};
pub(super) const JONAS: Ident = Ident {
    name: "Jonas Berg",
    email: "jonas.berg@acme.example",
};
pub(super) const FORGE: Ident = Ident {
    name: "GitHub",
    email: "noreply@github.com",
};
