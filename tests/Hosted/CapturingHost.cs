using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>A PowerShell host that records what Out-Default renders, at a fixed console width.</summary>
internal sealed class CapturingHost(int width) : PSHost
{
    private readonly CapturingUserInterface _ui = new(width);

    public string Text => _ui.Text;

    /// <summary>What ReadLineAsSecureString answers, in turn (hidden input, as a console host reads it).</summary>
    public Queue<SecureString> SecureInput => _ui.SecureInput;

    /// <summary>What PromptForChoice answers, in turn (-Confirm's Yes/No); each prompt's caption and message is kept in <see cref="Prompts"/>.</summary>
    public Queue<int> Choices => _ui.Choices;

    public List<string> Prompts => _ui.Prompts;

    public override string Name => "OpenCodeUsageTestHost";
    public override Version Version { get; } = new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    private sealed class CapturingUserInterface(int width) : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();
        private readonly FixedRawUserInterface _raw = new(width);

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public List<ProgressRecord> Progress { get; } = [];

        public Queue<SecureString> SecureInput { get; } = new();

        public Queue<int> Choices { get; } = new();

        public List<string> Prompts { get; } = [];

        public override PSHostRawUserInterface RawUI => _raw;

        public override void Write(string value) => Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
        public override void WriteLine(string value) => Append(value + "\n");
        public override void WriteErrorLine(string value) => Append("ERROR: " + value + "\n");
        public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");
        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
        public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            lock (Progress)
            {
                Progress.Add(record);
            }
        }

        public override string ReadLine() => throw new NotSupportedException("The test host reads no input.");
        public override SecureString ReadLineAsSecureString() =>
            SecureInput.TryDequeue(out var input) ? input : throw new NotSupportedException("The test host has no more input.");
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("The test host reads no input.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("The test host reads no input.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("The test host reads no input.");
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(caption + "\n" + message);
            return Choices.TryDequeue(out var choice) ? choice : throw new NotSupportedException("The test host has no more choices.");
        }

        private void Append(string value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }

    private sealed class FixedRawUserInterface(int width) : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override Size BufferSize { get; set; } = new(width, 9999);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new(width, 50);
        public override Size MaxWindowSize => new(width, 50);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new(width, 50);
        public override string WindowTitle { get; set; } = string.Empty;

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
    }
}
