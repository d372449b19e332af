using System.Management.Automation;
using System.Runtime.Loader;
using Microsoft.Data.Sqlite;

namespace OtherModule;

/// <summary>Opens an in-memory database with this module's SQLite and reports which versions served it.</summary>
[Cmdlet(VerbsCommon.Get, "OtherSqliteInfo")]
public sealed class GetOtherSqliteInfoCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        var native = (string)command.ExecuteScalar()!;
        var assembly = typeof(SqliteConnection).Assembly;
        WriteObject($"other|{assembly.GetName().Version}|{AssemblyLoadContext.GetLoadContext(assembly)?.Name}|{native}");
    }
}
