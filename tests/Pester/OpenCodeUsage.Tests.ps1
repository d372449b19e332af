# Runs on machines with pwsh 7.4+ and Pester 5: ./build.ps1 -Task Build, Test
# Each behaviour here is mirrored by a hosted-engine xunit test in tests/Hosted.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/artifacts/module/OpenCodeUsage" -Force -ErrorAction Stop
    $data = "$repo/tests/data/oc-1.18.33/opencode"
    $expected = Import-Csv "$repo/tests/data/oc-1.18.33/expected.tsv" -Delimiter "`t" | Where-Object session_id -ne 'TOTAL'
}

Describe 'Module' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest "$repo/artifacts/module/OpenCodeUsage/OpenCodeUsage.psd1" -ErrorAction Stop } | Should -Not -Throw
    }

    It 'resolves its output types from scripts' {
        [OpenCodeUsage.Session].FullName | Should -Be 'OpenCodeUsage.Session'
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
        $text | Should -Match 'Updated\s+Id\s+Title\s+Model\s+Tokens\s+Cost'
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
        $text = & (Get-Process -Id $PID).Path -NoProfile -File $script "$repo/artifacts/module/OpenCodeUsage" $project $missing 2>&1 | Out-String
        $text | Should -BeLike '*What if:*'
        $text | Should -BeLike "*run --format json --title 'OpenCodeUsage warm session' -m mock/mock-fast '--' This session*"
        $text | Should -BeLike "*run --format json -m mock/mock-fast --session '<warm session>' --fork '--' fix it '' now*"
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
