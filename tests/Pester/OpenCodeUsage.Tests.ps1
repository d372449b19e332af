# Runs on machines with pwsh 7.4+ and Pester 5: ./build.ps1 -Task Build, Test
# Each behaviour here is mirrored by a hosted-engine xunit test in tests/Hosted.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/artifacts/module/OpenCodeUsage" -Force -ErrorAction Stop
    $data = "$repo/tests/data/oc-1.18.33/opencode"
    $expected = Import-Csv "$repo/tests/data/oc-1.18.33/expected.tsv" -Delimiter "`t" | Where-Object session_id -ne 'TOTAL'

    # The command line of this very pwsh. A pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`, so its
    # process path is dotnet's: relaunch dotnet with the pwsh.dll of $PSHOME. Any other pwsh is its own process.
    $pwshExe = [Environment]::ProcessPath
    [string[]] $pwshArgs = if ([IO.Path]::GetFileNameWithoutExtension($pwshExe) -eq 'dotnet') { @(Join-Path $PSHOME pwsh.dll) } else { @() }
}

Describe 'Module' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest "$repo/artifacts/module/OpenCodeUsage/OpenCodeUsage.psd1" -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has an about_OpenCodeUsage topic that Get-Help finds' {
        $topic = Get-Help about_OpenCodeUsage | Out-String
        $topic | Should -Match 'SHORT DESCRIPTION'
        $topic | Should -Match 'Get-OpenCodeSession'
        ($topic -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'resolves its output types from scripts' {
        [OpenCodeUsage.Session].FullName | Should -Be 'OpenCodeUsage.Session'
    }

    It 'reads with SQLite''s memory statistics off, which would serialise the parallel scan' {
        # A setting for the whole process, made before SQLite's first use: only a fresh pwsh shows it.
        $script = Join-Path $TestDrive memstatus.ps1
        Set-Content $script -Value @'
param($module, $data)
Import-Module $module
$null = Get-OpenCodeUsage -DataPath $data -NoCache -WarningAction SilentlyContinue
$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SQLitePCLRaw.core' } | Select-Object -First 1
"highwater=$($core.GetType('SQLitePCL.raw')::sqlite3_memory_highwater(0))"
'@
        $text = & $pwshExe @pwshArgs -NoProfile -File $script "$repo/artifacts/module/OpenCodeUsage" $data 2>&1 | Out-String
        $text.Trim() | Should -Be 'highwater=0'
    }
}

Describe 'Get-OpenCodeSession' {
    It 'reports every session with OpenCode''s own figures' {
        $sessions = Get-OpenCodeSession -DataPath $data
        $sessions.Count | Should -Be $expected.Count
        foreach ($e in $expected) {
            $s = $sessions | Where-Object Id -eq $e.session_id
            $s.InputTokens | Should -Be ([long]$e.s_in)
            $s.OutputTokens | Should -Be ([long]$e.s_out)
            [math]::Abs($s.Cost - [decimal]$e.s_cost) | Should -BeLessThan 1e-9
        }
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $csv = Join-Path $TestDrive sessions.csv
        Get-OpenCodeSession -DataPath $data | Export-Csv $csv -NoTypeInformation
        $back = Import-Csv $csv
        $back.Count | Should -Be $expected.Count
        ($back | Measure-Object -Property TotalTokens -Sum).Sum |
            Should -Be (Get-OpenCodeSession -DataPath $data | Measure-Object -Property TotalTokens -Sum).Sum
        $back[0].PSObject.Properties.Name | Should -Contain 'ReasoningTokens'
    }

    It 'renders a table no wider than 100 columns' {
        $text = Get-OpenCodeSession -DataPath $data | Format-Table | Out-String -Width 100
        $text | Should -Match 'Updated\s+Id\s+Title\s+Tokens\s+Cost'
        ($text -split "`n" | Where-Object { $_.TrimEnd().Length -gt 100 }) | Should -BeNullOrEmpty
    }

    It 'round-trips through ConvertTo-Json' {
        $json = Get-OpenCodeSession -DataPath $data -First 1 | ConvertTo-Json
        $back = $json | ConvertFrom-Json
        $back.Id | Should -Match '^ses_'
        $back.TotalTokens | Should -BeGreaterThan 0
    }

    It 'fails with DataDirectoryNotFound for a missing path' {
        { Get-OpenCodeSession -DataPath (Join-Path $TestDrive nothing) -ErrorAction Stop } |
            Should -Throw -ErrorId 'DataDirectoryNotFound,OpenCodeUsage.Commands.GetOpenCodeSessionCommand'
    }
}

Describe 'Invoke-OpenCodeDelegate' {
    BeforeAll {
        $project = New-Item -ItemType Directory (Join-Path $TestDrive project)
        # No OpenCode is needed: -WhatIf and the kill switch launch nothing.
        $missing = Join-Path $TestDrive 'no-opencode/opencode'
    }

    It 'shows the exact command lines with -WhatIf and launches nothing' {
        # What-if messages go to the host, not to a stream: run a child pwsh and read what it printed.
        $script = Join-Path $TestDrive whatif.ps1
        Set-Content $script -Value @'
param($module, $project, $missing)
Import-Module $module
Invoke-OpenCodeDelegate "Model: mock/mock-fast`nfix it  now" -Directory $project -OpenCodePath $missing -WhatIf
'@
        $text = & $pwshExe @pwshArgs -NoProfile -File $script "$repo/artifacts/module/OpenCodeUsage" $project $missing 2>&1 | Out-String
        $text | Should -BeLike '*What if:*'
        $text | Should -BeLike "*run --format json --title 'OpenCodeUsage warm session' -m mock/mock-fast*"
        # The fork is made and titled by a private serve, then continued; without an OpenCode the 1.x form is shown, and said to be.
        $text | Should -BeLike "*the task 'fix it  now' (no OpenCode found: shown as for OpenCode 1.x):*"
        $text | Should -BeLike "*serve --hostname 127.0.0.1 --port 0   (private, for POST /session/<warm session>/fork and PATCH /session/<fork> with the task's title; ended after)*"
        # The prompt goes on standard input, never on the command line.
        $text | Should -BeLike "*run --format json -m mock/mock-fast --session '<fork>'   (the prompt on standard input)*"
        $text -split "`n" | Where-Object { $_ -like '*--format json*' } | Should -Not -BeLike '*fix it*'
    }

    It 'binds prompts and settings from the pipeline and reports bad inputs without stopping' {
        $errors = $null
        [pscustomobject]@{ Prompt = 'from an object'; Directory = $project; Model = 'nomodel' },
        [pscustomobject]@{ Prompt = 'missing dir'; Directory = (Join-Path $TestDrive nothing) } |
            Invoke-OpenCodeDelegate -Fresh -OpenCodePath $missing -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be @(
            'ModelInvalid,OpenCodeUsage.Commands.InvokeOpenCodeDelegateCommand'
            'DirectoryNotFound,OpenCodeUsage.Commands.InvokeOpenCodeDelegateCommand')
    }

    It 'stops with DelegateDisabled when the kill switch is set' {
        try {
            $env:OPENCODEUSAGE_DELEGATE_DISABLED = '1'
            { Invoke-OpenCodeDelegate 'hello' -Directory $project -OpenCodePath $missing } |
                Should -Throw -ErrorId 'DelegateDisabled,OpenCodeUsage.Commands.InvokeOpenCodeDelegateCommand'
        }
        finally {
            $env:OPENCODEUSAGE_DELEGATE_DISABLED = $null
        }
    }

    It 'stops with OpenCodeNotFound when a run needs the missing executable' {
        { Invoke-OpenCodeDelegate 'hello' -Fresh -Directory $project -OpenCodePath $missing } |
            Should -Throw -ErrorId 'OpenCodeNotFound,OpenCodeUsage.Commands.InvokeOpenCodeDelegateCommand'
    }
}

Describe 'Watch-OpenCodeActivity' {
    BeforeEach {
        $copy = Join-Path $TestDrive ([guid]::NewGuid())
        New-Item -ItemType Directory $copy | Out-Null
        Copy-Item "$data/*" $copy
        # SQL for one finished step of a new session, written the way OpenCode writes it.
        function Get-TurnSql([string] $session) {
            $now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() + 2000
            @"
INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
  SELECT '$session', id, 's', worktree, 'Pester watch', '1.18.33', $now, $now FROM project WHERE worktree LIKE '%alpha';
INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('msg_$session', '$session', $now, $now,
  '{"role":"assistant","agent":"build","modelID":"mock-fast","providerID":"mock","time":{"created":$now}}');
INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_$session', 'msg_$session', '$session', $now, $now,
  '{"type":"step-finish","tokens":{"input":100,"output":10,"reasoning":0,"cache":{"read":0,"write":0}},"cost":0.5}');
"@
        }
    }

    It 'ends after -TimeoutSec without output or error' {
        $elapsed = Measure-Command { Watch-OpenCodeActivity -DataPath $copy -TimeoutSec 1 -ErrorAction Stop | Should -BeNullOrEmpty }
        $elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'reports a step written while it watches, attributed to its session' {
        # Written two seconds into the watch, from another thread.
        $job = Start-ThreadJob { param($db, $sql) Start-Sleep 2; $sql | sqlite3 $db } -ArgumentList (Join-Path $copy opencode.db), (Get-TurnSql 'ses_pester1')
        $step = Watch-OpenCodeActivity -DataPath $copy -TimeoutSec 20 | Where-Object Kind -eq StepFinished | Select-Object -First 1
        $step.SessionId | Should -Be 'ses_pester1'
        $step.TotalTokens | Should -Be 110
        $job | Remove-Job -Force -ErrorAction SilentlyContinue
    } -Skip:(-not (Get-Command sqlite3 -ErrorAction SilentlyContinue))

    It 'fails with ServerUriInvalid for a non-http server' {
        { Watch-OpenCodeActivity -Server 'ftp://example.invalid/' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServerUriInvalid,OpenCodeUsage.Commands.WatchOpenCodeActivityCommand'
    }
}

Describe 'Export-OpenCodeStats' {
    It 'writes the GNOME extension''s file from the module''s accounting' {
        $path = Join-Path $TestDrive stats.json
        Export-OpenCodeStats -Path $path -DataPath $data
        $stats = Get-Content $path -Raw | ConvertFrom-Json
        $stats.total.totalTokens | Should -Be ((Get-OpenCodeUsage -DataPath $data -GroupBy Model | Measure-Object TotalTokens -Sum).Sum)
        $stats.session.PSObject.Properties.Name | Should -Contain 'isIdle'
        $stats.daily.date | Should -Match '^\d{4}-\d{2}-\d{2}$'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive whatif.json
        Export-OpenCodeStats -Path $path -DataPath $data -WhatIf
        Test-Path $path | Should -BeFalse
    }
}
