namespace OpenCodeUsage.Commands;

/// <summary>
/// The ids of the error records the cmdlet layer makes itself (Core's come with its OpenCodeUsageException).
/// Scripts match on them, so they never change; each is documented in the help, which a test checks.
/// </summary>
internal static class ErrorIds
{
    public const string SqliteNativeLibraryNotFound = nameof(SqliteNativeLibraryNotFound);
    public const string CredentialNotFound = nameof(CredentialNotFound);
    public const string DirectoryNotFound = nameof(DirectoryNotFound);
    public const string TimeZoneNotFound = nameof(TimeZoneNotFound);
    public const string GoCookieNeeded = nameof(GoCookieNeeded);
    public const string IntervalInvalid = nameof(IntervalInvalid);
    public const string DelegateFailed = nameof(DelegateFailed);
    public const string DelegateTimedOut = nameof(DelegateTimedOut);
    public const string DateRangeInvalid = nameof(DateRangeInvalid);
    public const string DateOutOfRange = nameof(DateOutOfRange);
    public const string GroupByDuplicate = nameof(GroupByDuplicate);
    public const string WildcardInvalid = nameof(WildcardInvalid);

    /// <summary>Core's id for a missing OpenCode executable, which -WhatIf tolerates.</summary>
    public const string OpenCodeNotFound = nameof(OpenCodeNotFound);
    public const string OpenCodeVersionUnknown = nameof(OpenCodeVersionUnknown);
}
