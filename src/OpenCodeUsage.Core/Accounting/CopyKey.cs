namespace OpenCodeUsage.Accounting;

/// <summary>
/// Identifies an assistant message across a fork: OpenCode copies it under a new id with the same creation
/// time and usage (only the parent id is remapped). Built from what a copy keeps, so key order or id changes
/// in the stored JSON never matter; compared field by field, so there are no hash collisions.
/// </summary>
internal readonly record struct CopyKey(
    long Created, int Input, int Output, int Reasoning, int CacheRead, int CacheWrite, long CostBits, int Provider, int Model);
