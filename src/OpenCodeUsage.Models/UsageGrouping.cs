namespace OpenCodeUsage;

/// <summary>What Get-OpenCodeUsage groups rows by; several may be combined.</summary>
public enum UsageGrouping
{
    Day,
    Week,
    Month,
    Session,
    Project,
    Model,
    Provider,
    Agent,
}
