# Finds the documented examples and runs one in a sandbox; dot-sourced by Examples.Tests.ps1.
#
# The sandbox is what a user's machine would hold: HOME, XDG_DATA_HOME with a copy of the sample data dir (plus an
# OpenCode API key and an expired OAuth login in auth.json, which the sample lacks), XDG_CONFIG_HOME with the sample's
# opencode.json (its prices), a working folder holding samples/ and a tasks.csv, and on PATH a fake `opencode` that
# reports 1.18.33 to --version, has no serve, and answers with a run the real OpenCode 1.18.33 printed (tests/data/delegate-1.18.33/success-smart.jsonl).
# Names the examples use for a user's own data are mapped onto the sample's ($NameMap). A watch ends after a few
# seconds ($PSDefaultParameterValues) and sees one step written two seconds in, the way OpenCode writes it.
# Get-OpenCodeGoQuota asks a fake of OpenCode's Go endpoints on loopback (Examples.GoFake.ps1), started in the example's
# own pwsh (for Export-OpenCodeMetrics -IncludeGoQuota too): $PSDefaultParameterValues points -BaseUri (-GoBaseUri) at it, and the sandbox holds the key and cookie it expects. The
# hidden cookie prompt of Set-OpenCodeGoCookie is answered by $PSDefaultParameterValues (-Cookie), as a user would type it.
# Watch-OpenCodeActivity -Server watches a fake `opencode serve` event stream on loopback (Examples.ServeFake.ps1), and
# a stand-in Get-Credential answers with the fake's password, as a user would type it at the prompt. The permission and
# question cmdlets ask the same fake, which also serves their 1.x routes. For Get-OpenCodeService the fake is registered
# as the background service is, in the sandbox's ~/.local/state/opencode/service.json (its password in it, owner-only).

# Examples that cannot run here, each with its reason (counted as skipped).
$script:SkipRules = [ordered]@{
    '\./build\.ps1'                 = '.ci/run runs the README''s first command itself, on the clean clone'
    '(?s)Get-Credential.*Invoke-OpenCodeDelegate' = 'delegates through a running opencode serve (warm session, fork, prompt_async, status, messages): no recording of its answers is here to fake them from (Get-Credential itself has a stand-in)'
    'Set-Secret|Get-Secret'         = 'needs Microsoft.PowerShell.SecretManagement and a vault'
}

# Examples whose output may rightly be empty on the sample, each with its reason.
$script:EmptyRules = [ordered]@{
    'Where-Object Cost -gt 1'       = 'the sample has no session over $1'
    'Where-Object Status -ne Succeeded' = 'every run of the fake succeeds: nothing to retry'
    'Write-Warning "Go limit'        = 'the fake''s rolling window is far from its limit: no warning'
}

# A user's names, as the examples spell them -> the sample's.
$script:NameMap = [ordered]@{
    '-Project my-app'               = '-Project alpha'
    '*refactor*'                    = '*delegate*'
    '-Provider anthropic, openai'   = '-Provider mockant, mock'
    'https://proxy.example.com/opencode' = '"${__goBaseUri}opencode"'
    'Watch-OpenCodeActivity -Server http://127.0.0.1:4096' = 'Watch-OpenCodeActivity -Server $__serveBaseUri'
    # The watched step costs $0.50: a limit it crosses.
    'New-OpenCodeBudget today -LimitUsd 10' = 'New-OpenCodeBudget today -LimitUsd 0.55'
    '-Server http://127.0.0.1:4096' = '-Server $__serveBaseUri'
}

# What the sandbox's user has for OpenCode Go, and what the fake of its endpoints expects.
$script:GoApiKey = 'sk-example-opencode-key'
$script:GoCookie = 'example-go-auth-cookie'
$script:GoWorkspace = 'wrk_01ABCDEF'
# The password of the fake `opencode serve`, which a stand-in Get-Credential answers with (as a user would type it).
$script:ServePassword = 'example-server-password'

$script:SampleDay = [datetime]'2026-11-27'
$script:WatchedStepCost = 0.5

function Get-DocExample([string] $Repo) {
    $ns = @{ command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; maml = 'http://schemas.microsoft.com/maml/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
    foreach ($file in Get-ChildItem "$Repo/module/help/*.xml") {
        foreach ($node in (Select-Xml -LiteralPath $file.FullName -XPath '//command:example' -Namespace $ns).Node) {
            New-DocExample -Source "$($file.BaseName): help" -Title ($node.title -replace '^[-\s]+|[-\s]+$') -Code $node.code
        }
    }

    # README: every powershell block; within one, a comment line starts an example that runs to the next blank line.
    $readme = Get-Content -Raw "$Repo/README.md"
    foreach ($block in [regex]::Matches($readme, '(?ms)^```powershell\r?\n(.*?)^```')) {
        $title = $null; $lines = @()
        foreach ($line in ($block.Groups[1].Value -split '\r?\n') + '') {
            if ($line.Trim() -eq '') {
                if ($lines) { New-DocExample -Source 'README.md' -Title ($title ?? $lines[0]) -Code ($lines -join "`n") }
                $title = $null; $lines = @()
            }
            elseif (-not $lines -and $line -match '^\s*#\s*(.+)$') { $title = $Matches[1] }
            else { $lines += $line }
        }
    }
}

function New-DocExample([string] $Source, [string] $Title, [string] $Code) {
    $skip = $script:SkipRules.Keys | Where-Object { $Code -match $_ } | Select-Object -First 1
    $empty = $script:EmptyRules.Keys | Where-Object { $Code -match $_ } | Select-Object -First 1
    # A window relative to today holds the sample's day only for a while.
    if (-not $empty -and $Code -match 'AddDays\(-(\d+)\)' -and ((Get-Date).Date - $script:SampleDay).TotalDays -gt [int]$Matches[1]) {
        $empty = 'AddDays'
    }
    # -Days N holds today and the N - 1 days before it.
    if (-not $empty -and $Code -match '-Days (\d+)' -and ((Get-Date).Date - $script:SampleDay).TotalDays -ge [int]$Matches[1]) {
        $empty = 'Days'
    }

    # A hashtable: Pester's -ForEach makes its keys the test's variables.
    @{
        Source        = $Source
        Title         = $Title
        Code          = $Code
        Skip          = if ($skip) { $script:SkipRules[$skip] }
        MayBeEmpty    = [bool]$empty
        # An example that means to fail names the error id in its comment: "# DelegateDisabled; nothing runs".
        ExpectedError = if ($Code -match '#\s*(\w+);') { $Matches[1] }
    }
}

function Get-SampleFigure([string] $Repo) {
    $sample = "$Repo/samples/opencode-sample"
    $figures = @(Import-Csv "$sample/expected-usage.tsv" -Delimiter "`t" | ForEach-Object { [decimal]$_.cost })
    $figures += Import-Csv "$sample/expected.tsv" -Delimiter "`t" | ForEach-Object { [decimal]$_.cost; [decimal]$_.dd_cost; [decimal]$_.s_cost }
    $figures += Get-Content "$Repo/tests/data/delegate-1.18.33/success-smart.jsonl" | ConvertFrom-Json |
        Where-Object type -eq step_finish | ForEach-Object { [decimal]$_.part.cost }
    $figures += [decimal]$script:WatchedStepCost
    # A session with its subagent children (-IncludeChildren, CostWithChildren).
    $sessions = Import-Csv "$sample/expected.tsv" -Delimiter "`t"
    foreach ($parent in $sessions | Where-Object { $id = $_.session_id; $sessions | Where-Object parent_id -eq $id }) {
        $figures += [decimal]$parent.cost + (($sessions | Where-Object parent_id -eq $parent.session_id | ForEach-Object { [decimal]$_.cost }) | Measure-Object -Sum).Sum
    }
    $figures
}

# The sample's totals: what a whole output's costs may add up to.
function Get-SampleTotal([string] $Repo) {
    Import-Csv "$Repo/samples/opencode-sample/expected-usage.tsv" -Delimiter "`t" | Where-Object grouping -like 'total*' | ForEach-Object { [decimal]$_.cost }
}

function Test-Figure([decimal[]] $Figures, [decimal] $Value) {
    [bool]($Figures | Where-Object { [math]::Abs($_ - $Value) -lt 1e-9 })
}

function New-ExampleSandbox([string] $Repo) {
    $root = Join-Path ([IO.Path]::GetTempPath()) "ocu-example-$([guid]::NewGuid().ToString('n'))"
    $box = [pscustomobject]@{
        Root = $root; Home = "$root/home"; Data = "$root/data"; Config = "$root/config"; Cache = "$root/cache"
        Work = "$root/work"; Bin = "$root/bin"; Run = "$root/run"
    }
    foreach ($dir in $box.Home, "$($box.Home)/src/my-app", $box.Data, "$($box.Config)/opencode", $box.Cache, $box.Work, $box.Bin, $box.Run) {
        New-Item -ItemType Directory -Force $dir | Out-Null
    }
    Copy-Item -Recurse "$Repo/samples/opencode-sample/opencode" "$($box.Data)/opencode"
    Copy-Item "$Repo/samples/opencode-sample/opencode.json" "$($box.Config)/opencode/opencode.json"
    $auth = Get-Content -Raw "$($box.Data)/opencode/auth.json" | ConvertFrom-Json -AsHashtable
    $auth['opencode'] = @{ type = 'api'; key = $script:GoApiKey }
    $auth['anthropic'] = @{ type = 'oauth'; refresh = 'example-refresh'; access = 'example-access'; expires = 1700000000000 }
    $auth | ConvertTo-Json | Set-Content "$($box.Data)/opencode/auth.json"
    # The separate cookie file an example names (~/secrets/opencode-go.json), owner-only as Get-OpenCodeGoQuota demands.
    New-Item -ItemType Directory "$($box.Home)/secrets" | Out-Null
    @{ workspaceId = $script:GoWorkspace; authCookie = $script:GoCookie } | ConvertTo-Json | Set-Content "$($box.Home)/secrets/opencode-go.json"
    if (-not $IsWindows) { chmod 600 "$($box.Home)/secrets/opencode-go.json" }
    New-Item -ItemType Directory "$($box.Work)/samples" | Out-Null
    Copy-Item -Recurse "$Repo/samples/opencode-sample" "$($box.Work)/samples/opencode-sample"
    'Prompt', 'Summarise the sample', 'List the TODOs' | Set-Content "$($box.Work)/tasks.csv"
    $recording = "$Repo/tests/data/delegate-1.18.33/success-smart.jsonl"
    # It says it is 1.18.33 (the flags of run depend on the generation) and has no serve (a fork keeps its title, with a warning).
    Set-Content "$($box.Bin)/opencode" -Value "#!/bin/sh`ncase `"`$1`" in --version) echo 1.18.33; exit 0;; serve) echo 'the stand-in has no serve' >&2; exit 1;; esac`ncat '$recording'`n" -NoNewline
    if (-not $IsWindows) { chmod +x "$($box.Bin)/opencode" }
    $box
}

# SQL for one finished step of a new session, written the way OpenCode 1.18 writes it.
# The watched session exists before the example starts (an exact -SessionId that names no session is
# SessionNotFound); its step comes later, a finished reply as OpenCode 1.18.33 leaves it (time.completed and finish
# set: a reply without them is still streaming, and its session is not idle).
function Get-WatchedSessionSql([string] $Session) {
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    @"
INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
  SELECT '$Session', id, 's', worktree, 'Watched example', '1.18.33', $now, $now FROM project WHERE worktree LIKE '%alpha';
"@
}

function Get-WatchedStepSql([string] $Session) {
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() + 6000
    @"
UPDATE session SET time_updated = $now WHERE id = '$Session';
INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('msg_$Session', '$Session', $now, $now,
  '{"role":"assistant","agent":"build","modelID":"mock-fast","providerID":"mock","time":{"created":$now,"completed":$now},"finish":"stop","cost":$($script:WatchedStepCost),"tokens":{"input":100,"output":10,"reasoning":0,"cache":{"read":0,"write":0}}}');
INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_$Session', 'msg_$Session', '$Session', $now, $now,
  '{"type":"step-finish","tokens":{"input":100,"output":10,"reasoning":0,"cache":{"read":0,"write":0}},"cost":$($script:WatchedStepCost)}');
"@
}

# Runs one example in a fresh pwsh in a fresh sandbox: what it printed (80 columns, no colour), its error stream,
# the objects it output (serialized) and the files it wrote.
function Invoke-DocExample([string] $Repo, [string] $Code) {
    $box = New-ExampleSandbox $Repo
    foreach ($name in $script:NameMap.Keys) { $Code = $Code.Replace($name, $script:NameMap[$name]) }
    # A fresh pwsh takes seconds to import the module on a busy machine: the step comes 6 s in, the watch ends at 12 s.
    $watchSeconds = if ($Code -match '-IdleAfter\s+(\d+)') { [int]$Matches[1] + 12 } else { 12 }
    $session = 'ses_example' + [guid]::NewGuid().ToString('n').Substring(0, 12)
    $wrapper = "$($box.Run)/example.ps1"
    $goLog = "$($box.Run)/go-requests.txt"
    $serveLog = "$($box.Run)/serve-requests.txt"
    Set-Content $wrapper -Value @"
Import-Module '$Repo/artifacts/module/OpenCodeUsage' -ErrorAction Stop
`$PSDefaultParameterValues['Watch-OpenCodeActivity:TimeoutSec'] = $watchSeconds
`$PSDefaultParameterValues['Watch-OpenCodeBudget:TimeoutSec'] = $watchSeconds
`$PSDefaultParameterValues['Set-OpenCodeGoCookie:Cookie'] = ConvertTo-SecureString '$($script:GoCookie)' -AsPlainText -Force
`$id = '$session'
. '$PSScriptRoot/Examples.GoFake.ps1'
`$__go = if (`$$($Code -match 'Get-OpenCodeGoQuota|-IncludeGoQuota')) { Start-GoFake -Repo '$Repo' -Log '$goLog' -ApiKey '$($script:GoApiKey)' -Cookie '$($script:GoCookie)' }
`$__goBaseUri = `$__go.BaseUri
. '$PSScriptRoot/Examples.ServeFake.ps1'
`$__serve = if (`$$($Code -match '-Server \$__serveBaseUri|Get-OpenCodeService')) { Start-ServeFake -Log '$serveLog' -Password '$($script:ServePassword)' }
`$__serveBaseUri = `$__serve.BaseUri
if (`$$($Code -match 'Get-OpenCodeService')) { Register-ServeFake -BaseUri `$__serveBaseUri -Password '$($script:ServePassword)' }
function Get-Credential([string] `$UserName) { [pscredential]::new(`$UserName, (ConvertTo-SecureString '$($script:ServePassword)' -AsPlainText -Force)) }
if (`$__go) { `$PSDefaultParameterValues['Get-OpenCodeGoQuota:BaseUri'] = `$__goBaseUri; `$PSDefaultParameterValues['Export-OpenCodeMetrics:GoBaseUri'] = `$__goBaseUri }
`$__output = @(. {
$Code
})
if (`$__go) { Stop-GoFake `$__go }
if (`$__serve) { Stop-ServeFake `$__serve }
`$__output | Where-Object { `$null -ne `$_ -and `$_.GetType().Namespace -ne 'Microsoft.PowerShell.Commands.Internal.Format' } |
    Export-Clixml -LiteralPath '$($box.Run)/objects.xml' -Depth 3
`$__output
"@

    $before = @{}
    Get-ChildItem -Recurse -File -Force $box.Root | ForEach-Object { $before[$_.FullName] = $_.LastWriteTimeUtc }
    $saved = @{}
    $vars = @{
        HOME = $box.Home; XDG_DATA_HOME = $box.Data; XDG_CONFIG_HOME = $box.Config; XDG_CACHE_HOME = $box.Cache
        OPENCODEUSAGE_CACHE_DIR = $box.Cache; PATH = $box.Bin + [IO.Path]::PathSeparator + $env:PATH; NO_COLOR = '1'
        OPENCODE_DB = $null; OPENCODE_CONFIG = $null; OPENCODE_CONFIG_DIR = $null; OPENCODE_API_KEY = $null; OPENCODEUSAGE_DELEGATE_DISABLED = $null
    }
    $writer = $null
    Push-Location $box.Work
    try {
        foreach ($name in $vars.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $vars[$name]) }
        if ($Code -match 'Watch-OpenCode(Activity|Budget)' -and (Get-Command sqlite3 -ErrorAction SilentlyContinue)) {
            Get-WatchedSessionSql $session | sqlite3 "$($box.Data)/opencode/opencode.db"
            $writer = Start-ThreadJob { param($db, $sql) Start-Sleep 6; $sql | sqlite3 $db } -ArgumentList "$($box.Data)/opencode/opencode.db", (Get-WatchedStepSql $session)
        }
        & $pwshExe @pwshArgs -NoProfile -NonInteractive -File $wrapper > "$($box.Run)/out.txt" 2> "$($box.Run)/err.txt"
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Pop-Location
        if ($writer) { $writer | Wait-Job -Timeout 30 | Out-Null; $writer | Remove-Job -Force }
    }

    $strip = { param($text) ($text ?? '') -replace '\x1b\[[0-9;]*m' }
    # pwsh's own startup files, the module's digest cache, and the data an example reads do not count as written.
    $excluded = "$($box.Run)", "$($box.Cache)", "$($box.Home)/.cache", "$($box.Home)/.local/share/powershell", "$($box.Data)/opencode/opencode.db", "$($box.Data)/opencode/auth.json"
    $written = Get-ChildItem -Recurse -File -Force $box.Root | Where-Object {
        $path = $_.FullName
        -not ($excluded | Where-Object { $path.StartsWith($_) }) -and ($before[$path] -ne $_.LastWriteTimeUtc)
    }
    $result = [pscustomobject]@{
        Text    = & $strip (Get-Content -Raw "$($box.Run)/out.txt")
        Errors  = & $strip (Get-Content -Raw "$($box.Run)/err.txt")
        Objects = if (Test-Path "$($box.Run)/objects.xml") { @(Import-Clixml "$($box.Run)/objects.xml") } else { @() }
        Files   = @($written | Where-Object { $null -ne $_ } | ForEach-Object {
            [pscustomobject]@{
                Path = $_.FullName.Substring($box.Root.Length); Length = $_.Length
                OwnerOnly = $IsWindows -or -not ($_.UnixFileMode -band [IO.UnixFileMode]'GroupRead, GroupWrite, GroupExecute, OtherRead, OtherWrite, OtherExecute')
                HoldsGoCookie = (Get-Content -Raw -LiteralPath $_.FullName) -match [regex]::Escape($script:GoCookie)
            }
        })
        # What the fake of OpenCode's Go endpoints was asked: "GET /zen/go/v1/usage 200", one line each.
        GoRequests = @(if (Test-Path $goLog) { Get-Content $goLog })
        ServeRequests = @(if (Test-Path $serveLog) { Get-Content $serveLog })
    }
    Remove-Item -Recurse -Force $box.Root -ErrorAction SilentlyContinue
    $result
}

# The command line of this very pwsh. A pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`, so its process
# path is dotnet's: relaunch dotnet with the pwsh.dll of $PSHOME. Any other pwsh is its own process.
$pwshExe = [Environment]::ProcessPath
[string[]] $pwshArgs = if ([IO.Path]::GetFileNameWithoutExtension($pwshExe) -eq 'dotnet') { @(Join-Path $PSHOME pwsh.dll) } else { @() }
