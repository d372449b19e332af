using System.Collections.Concurrent;
using System.Globalization;
using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Delegation;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Hands a task to OpenCode (<c>opencode run</c>, or a running <c>opencode serve</c>) and returns its answer and
/// what the new work cost. Runs happen on tasks; everything is written from the pipeline thread, in input order.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "OpenCodeDelegate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = Local)]
[OutputType(typeof(DelegateResult))]
public sealed class InvokeOpenCodeDelegateCommand : OpenCodeCmdlet, IDisposable
{
    private const string Local = "Local";
    private const string Remote = "Server";

    /// <summary>How long the pipeline thread waits for a run before it passes on queued messages again.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    /// <summary>After Ctrl+C, how long to wait for the runs to kill their processes.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ConcurrentQueue<(char Kind, string Text)> _messages = new();
    private CancellationTokenSource? _stop;
    private IDelegateRunner? _runner;
    private OrderedRuns<DelegateResult>? _runs;
    private OpenCodeUsageException? _missingOpenCode;

    /// <summary>The task. Leading Model:, Variant: and Agent: lines are taken off and applied.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = string.Empty;

    // The optional settings take empty values without complaint: results piped back in (to run a task again)
    // carry them, often empty. Empty means not given.

    /// <summary>The project directory to run in; the current location by default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("WorkingDirectory")]
    public string? Directory { get; set; }

    /// <summary>provider/model; wins over a Model: directive.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ProviderModelCompleter))]
    public string? Model { get; set; }

    /// <summary>The model variant (reasoning effort); wins over a Variant: directive.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Variant { get; set; }

    /// <summary>The OpenCode agent; wins over an Agent: directive.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AgentCompleter))]
    public string? Agent { get; set; }

    /// <summary>The session's title; the prompt's first line by default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Title { get; set; }

    /// <summary>Start a new session instead of forking the directory's warm session.</summary>
    [Parameter]
    public SwitchParameter Fresh { get; set; }

    /// <summary>Seconds one call may take, warm-up included; 0 (the default) for no limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Runs at most this many pipeline inputs at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>The OpenCode executable; opencode on PATH by default.</summary>
    [Parameter(ParameterSetName = Local)]
    [ValidateNotNullOrEmpty]
    public string? OpenCodePath { get; set; }

    /// <summary>A running opencode serve to delegate to instead of the local CLI.</summary>
    [Parameter(Mandatory = true, ParameterSetName = Remote)]
    [ServiceArgument]
    [ValidateNotNull]
    public Uri? Server { get; set; }

    /// <summary>The server's Basic-auth user and password.</summary>
    [Parameter(ParameterSetName = Remote)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    // Delegating reads no database, so the native SQLite check of the other cmdlets is not needed.
    protected override void BeginProcessing()
    {
        try
        {
            DelegateKillSwitch.ThrowIfDisabled(Environment);
            _stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
            _runs = new OrderedRuns<DelegateResult>(ThrottleLimit);
            var options = new DelegateOptions
            {
                Log = new ActivityLog { Verbose = m => _messages.Enqueue(('V', m)), Debug = m => _messages.Enqueue(('D', m)) },
                Warning = m => _messages.Enqueue(('W', m)),
            };
            _runner = ParameterSetName == Remote ? ServerRunner(options) : LocalRunner(options);
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    protected override void ProcessRecord()
    {
        if (Plan() is not { } task)
        {
            return;
        }

        // -WhatIf prints the description; -Confirm shows the warning text, so it says what will run too.
        string description;
        try
        {
            description = _runner!.Describe(task);
        }
        catch (OpenCodeUsageException ex) when (ex.ErrorId == ErrorIds.OpenCodeVersionUnknown)
        {
            // The executable, not this input, is the trouble: every input would fail alike.
            ThrowTerminatingError(ErrorRecords.From(ex));
            return;
        }
        catch (OpenCodeUsageException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }

        if (!ShouldProcess(description, $"Run OpenCode as follows?{System.Environment.NewLine}{description}", "Invoke-OpenCodeDelegate"))
        {
            return;
        }

        if (_missingOpenCode is not null)
        {
            ThrowTerminatingError(ErrorRecords.From(_missingOpenCode));
        }

        while (_runs!.IsFull)
        {
            EmitHead();
        }

        var runner = _runner!;
        var token = _stop!.Token;
        _runs.Start(() => runner.RunAsync(task, token));
        while (_runs.HeadFinished)
        {
            EmitHead();
        }

        Flush();
    }

    protected override void EndProcessing()
    {
        while (_runs!.Count > 0)
        {
            EmitHead();
        }

        Flush();
    }

    /// <summary>Also reached when the pipeline ends early (Select-Object -First, -ErrorAction Stop): no run outlives it.</summary>
    void IDisposable.Dispose()
    {
        _stop?.Cancel();
        _runs?.Drain(StopTimeout);
        (_runner as IDisposable)?.Dispose();
        _stop?.Dispose();
        Dispose();
    }

    private IDelegateRunner LocalRunner(DelegateOptions options)
    {
        var explicitPath = OpenCodePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OpenCodePath);
        try
        {
            return new OpenCodeRunner(OpenCodeExecutable.Find(explicitPath, Environment), options);
        }
        catch (OpenCodeUsageException ex) when (ex.ErrorId == ErrorIds.OpenCodeNotFound)
        {
            // -WhatIf needs no executable: the error comes only when something would really run.
            _missingOpenCode = ex;
            return new OpenCodeRunner(explicitPath ?? "opencode", options);
        }
    }

    private ServerDelegate ServerRunner(DelegateOptions options)
    {
        var credential = ServiceAddress.CredentialFor(Server, Credential);
        return new(new ServerOptions { BaseUri = Server!, UserName = credential?.UserName, Password = credential?.Password }, options);
    }

    /// <summary>The task for this input, or null after writing why there is none (the other inputs still run).</summary>
    private DelegateTask? Plan()
    {
        var directory = Directory switch
        {
            null or "" => CurrentDirectory,
            // With -Server an absolute path is the server's and is passed on as given (it may be another OS's).
            _ when ParameterSetName == Remote && (Directory.StartsWith('/') || Path.IsPathRooted(Directory)) => Directory,
            _ => SessionState.Path.GetUnresolvedProviderPathFromPSPath(Directory),
        };
        // With -Server the directory is a path on the server's machine, which may not exist here.
        if (ParameterSetName == Local && !System.IO.Directory.Exists(directory))
        {
            WriteError(new ErrorRecord(new DirectoryNotFoundException($"The directory '{directory}' does not exist."),
                ErrorIds.DirectoryNotFound, ErrorCategory.ObjectNotFound, directory));
            return null;
        }

        try
        {
            return DelegateTask.From(new DelegateRequest
            {
                Prompt = Prompt,
                Directory = directory,
                Model = Model,
                Variant = Variant,
                Agent = Agent,
                Title = Title,
                Fresh = Fresh,
                Timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : null,
            });
        }
        catch (OpenCodeUsageException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return null;
        }
    }

    /// <summary>Waits for the oldest run, passing on messages meanwhile, and writes its result.</summary>
    private void EmitHead()
    {
        while (!_runs!.WaitHead(Slice))
        {
            Flush();
            if (_stop!.IsCancellationRequested)
            {
                StopAll();
            }
        }

        Flush();
        DelegateResult result;
        try
        {
            result = _runs.TakeHead();
        }
        catch (OpenCodeUsageException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }

        if (result.Status == DelegateStatus.Cancelled)
        {
            StopAll();
        }

        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{result.SessionId ?? result.Directory}: {result.Status} in {result.Duration.TotalSeconds:0.0} s, {result.TotalTokens:N0} tokens, ${result.Cost:0.######}."));
        WriteObject(result);
        if (result.Status != DelegateStatus.Succeeded)
        {
            WriteError(DelegateErrors.For(result));
        }
    }

    /// <summary>Ctrl+C: every run kills its process tree (or aborts its server session) before the pipeline stops.</summary>
    private void StopAll()
    {
        _stop!.Cancel();
        _runs!.Drain(StopTimeout);
        throw new PipelineStoppedException();
    }

    /// <summary>Writes what the runs reported, on the pipeline thread where PowerShell allows it.</summary>
    private void Flush()
    {
        while (_messages.TryDequeue(out var message))
        {
            switch (message.Kind)
            {
                case 'W':
                    WriteWarning(message.Text);
                    break;
                case 'D':
                    WriteDebug(message.Text);
                    break;
                default:
                    WriteVerbose(message.Text);
                    break;
            }
        }
    }
}
