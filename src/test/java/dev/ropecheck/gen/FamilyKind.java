package dev.ropecheck.gen;

/** The relative-position families the generators draw from (MATH §1). */
public enum FamilyKind {
    ROPE_INTERLEAVED, ROPE_HALF_SPLIT, IDENTITY, EXPLICIT
}
