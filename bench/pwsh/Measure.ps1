# The bench's measurements in the real pwsh (7.6.9, the repository's local dotnet tool) rather than the bench's own
# host: the same commands, timed the same way (Stopwatch; CPU time of the whole process meanwhile), printed as the
# same JSON lines with metrics named pwsh.*. run.sh runs it; see bench/README.md.
#   -Mode InSession : the first call of the session, then -Runs cold calls (-NoCache), then the correctness call
#   -Mode Command   : one command in this fresh process (run.sh times the process around it)
param(
    [Parameter(Mandatory)][string] $Module,
    [Parameter(Mandatory)][string] $Data,
    [ValidateSet('InSession', 'Command')][string] $Mode = 'InSession',
    [ValidateSet('usage-cold', 'usage', 'usage-model')][string] $Command = 'usage-cold',
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'

function Measure-Call([string] $Metric, [scriptblock] $Call) {
    $cpu = [Environment]::CpuUsage.TotalTime
    $jit = [System.Runtime.JitInfo]::GetCompilationTime()
    $methods = [System.Runtime.JitInfo]::GetCompiledMethodCount()
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $rows = @(& $Call)
    $clock.Stop()
    [ordered]@{
        metric      = $Metric
        ms          = [math]::Round($clock.Elapsed.TotalMilliseconds, 2)
        cpu_ms      = [math]::Round(([Environment]::CpuUsage.TotalTime - $cpu).TotalMilliseconds, 1)
        rss_mb      = [math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
        jit_ms      = [math]::Round(([System.Runtime.JitInfo]::GetCompilationTime() - $jit).TotalMilliseconds, 1)
        jit_methods = [System.Runtime.JitInfo]::GetCompiledMethodCount() - $methods
        note        = "$($rows.Count) rows"
    } | ConvertTo-Json -Compress
}

$import = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module
$import.Stop()
$daily = { Get-OpenCodeUsage -GroupBy Day -DataPath $Data -NoCache }
if ($Mode -eq 'InSession') {
    Measure-Call 'pwsh.insession.usage_first' $daily
    for ($i = 0; $i -lt $Runs; $i++) { Measure-Call 'pwsh.insession.usage_cold' $daily }
    return
}

$call = switch ($Command) {
    'usage-cold' { $daily }
    'usage' { { Get-OpenCodeUsage -GroupBy Day -DataPath $Data } }
    'usage-model' { { Get-OpenCodeUsage -GroupBy Model -DataPath $Data } }
}
[ordered]@{ metric = "pwsh.e2e.$Command.import"; ms = [math]::Round($import.Elapsed.TotalMilliseconds, 2) } | ConvertTo-Json -Compress
Measure-Call "pwsh.e2e.$Command.command" $call
