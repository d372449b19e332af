using System.Management.Automation;
using System.Net;
using OpenCodeUsage.Credentials;

namespace OpenCodeUsage.Commands;

/// <summary>Lists the credentials OpenCode and the Go quota check can use, with the secret masked or as a SecureString.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeCredential")]
[OutputType(typeof(Credential))]
public sealed class GetOpenCodeCredentialCommand : OpenCodeCmdlet
{
    /// <summary>The type name of -AsPlainText output, whose view shows Value in place of MaskedValue.</summary>
    private const string PlainTextTypeName = "OpenCodeUsage.Credential#PlainText";

    private readonly List<string> _providers = [];

    /// <summary>Provider ids; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ProviderId")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Provider { get; set; }

    /// <summary>Adds a Value property with the secret in plain text.</summary>
    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    // Credentials live in JSON files and the environment: no database, so no native SQLite check.
    protected override void BeginProcessing()
    {
    }

    protected override void ProcessRecord()
    {
        if (Provider is not null)
        {
            _providers.AddRange(Provider);
        }
    }

    protected override void EndProcessing()
    {
        var query = new CredentialQuery
        {
            ProviderFilter = Wildcards(_providers.Count == 0 ? null : _providers.ToArray()),
            Directory = CurrentDirectory,
        };
        var credentials = Read((diagnostics, _) => CredentialCatalog.Find(query, Environment, diagnostics, Log));
        foreach (var credential in credentials)
        {
            if (AsPlainText)
            {
                // Added only when asked, so the plain secret is not even a member otherwise (nor a CSV column).
                var item = PSObject.AsPSObject(credential);
                item.TypeNames.Insert(0, PlainTextTypeName);
                item.Properties.Add(new PSNoteProperty("Value", new NetworkCredential(string.Empty, credential.Secret).Password));
                WriteObject(item);
            }
            else
            {
                WriteObject(credential);
            }
        }

        var found = credentials.Select(c => c.ProviderId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in _providers.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!WildcardPattern.ContainsWildcardCharacters(provider) && !found.Contains(provider))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No credential for the provider '{provider}' was found in auth.json, OpenCode's config or the environment."),
                    ErrorIds.CredentialNotFound, ErrorCategory.ObjectNotFound, provider));
            }
        }
    }
}
