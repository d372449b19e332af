# Every example in the cmdlets' help (module/help/*.xml) and in README.md, run on this pwsh (a fresh process each,
# 80 columns, as a user would paste it) against the sample data (samples/opencode-sample) and checked. The examples
# are read from the files: a new one is tested without editing this file. See Examples.Helpers.ps1 for the rules.

BeforeDiscovery {
    . "$PSScriptRoot/Examples.Helpers.ps1"
    $examples = @(Get-DocExample -Repo (Resolve-Path "$PSScriptRoot/../..").Path)
    # OPENCODEUSAGE_EXAMPLES='*Watch*' runs only the examples whose "source: title" is like it (for working on one).
    if ($env:OPENCODEUSAGE_EXAMPLES) { $examples = @($examples | Where-Object { "$($_.Source): $($_.Title)" -like $env:OPENCODEUSAGE_EXAMPLES }) }
}

BeforeAll {
    . "$PSScriptRoot/Examples.Helpers.ps1"
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $figures = Get-SampleFigure -Repo $repo
    $totals = Get-SampleTotal -Repo $repo
    $all = @(Get-DocExample -Repo $repo)
    # What the fake of OpenCode's Go endpoints serves, per window: the API's percent and the console page's.
    . "$PSScriptRoot/Examples.GoFake.ps1"
    $api = (Get-GoResponse $repo Api | ConvertFrom-Json).usage
    $page = Get-GoResponse $repo Page
    $goPercent = @{}
    foreach ($window in 'Rolling', 'Weekly', 'Monthly') {
        $goPercent[$window] = @([decimal]$api.($window.ToLower()).percent)
        $goPercent[$window] += [decimal][regex]::Match($page, "$($window.ToLower())Usage:[^}]*usagePercent:([\d.]+)").Groups[1].Value
    }
}

Describe 'Examples' {
    It 'finds the examples of every cmdlet''s help and of the README' {
        $sources = $all | ForEach-Object { $_.Source } | ForEach-Object { ($_ -split ':')[0] } | Sort-Object -Unique
        $sources | Should -Contain 'README.md'
        (Get-ChildItem "$repo/module/help/*.xml").BaseName | ForEach-Object { $sources | Should -Contain $_ }
    }

    It '<Source>: <Title>' -ForEach $examples {
        if ($Skip) { Set-ItResult -Skipped -Because $Skip; return }
        $run = Invoke-DocExample -Repo $repo -Code $Code
        $shown = "--- stdout`n$($run.Text)`n--- stderr`n$($run.Errors)"

        if ($ExpectedError) {
            $run.Errors | Should -Match $ExpectedError -Because $shown
        }
        else {
            $run.Errors | Should -BeNullOrEmpty -Because $shown
        }

        # Under Set-StrictMode (build.ps1), only real entries: an empty pipeline can leave a $null in the list.
        $files = @($run.Files | Where-Object { $null -ne $_ -and $_.PSObject.Properties['Path'] })
        if (-not $MayBeEmpty -and -not $ExpectedError) {
            ($run.Text.Trim() + (@($files | ForEach-Object { $_.Path }) -join '')) | Should -Not -BeNullOrEmpty -Because "it prints something or writes a file`n$shown"
            $files | ForEach-Object { $_.Length | Should -BeGreaterThan 0 -Because "$($_.Path) holds something" }
        }

        # An example asking for the Go quota got it from the fake, and each window's row says what the fake served.
        if ($Code -match 'Get-OpenCodeGoQuota|-IncludeGoQuota' -and -not $ExpectedError) {
            @($run.GoRequests | Where-Object { $_ -match ' 200$' }).Count | Should -BeGreaterThan 0 -Because "the fake answered with usage ($($run.GoRequests -join '; '))`n$shown"
        }
        $goRows = @($run.Objects | Where-Object { $null -ne $_.PSObject.Properties['Window'] -and $null -ne $_.PSObject.Properties['PercentUsed'] })
        foreach ($row in $goRows) {
            # A deserialized enum is its number, whose PSObject still says its name.
            $window = $row.PSObject.Properties['Window'].Value.ToString()
            $goPercent.Keys | Should -Contain $window -Because $shown
            $goPercent[$window] | Should -Contain ([decimal]$row.PercentUsed) -Because "$window is what the fake served`n$shown"
        }
        # An example watching a server got the fake's event stream with the stand-in credential, and reports what it sent.
        if ($Code -match 'Watch-OpenCodeActivity -Server' -and -not $ExpectedError) {
            $run.ServeRequests | Should -Contain 'GET /global/event 200' -Because "the fake served its events ($($run.ServeRequests -join '; '))`n$shown"
            $kinds = @($run.Objects | ForEach-Object { $_.PSObject.Properties['Kind'].Value.ToString() })
            $kinds | Should -Contain 'PermissionAsked' -Because $shown
            $kinds | Should -Contain 'QuestionAsked' -Because $shown
        }
        # An example answering a pending request sent the answer to the fake, unless it only asked what would be sent.
        if ($Code -match '(Approve|Deny)-OpenCodePermissionRequest|Submit-OpenCodeAnswer|Deny-OpenCodeQuestion' -and -not $ExpectedError) {
            $answers = @($run.ServeRequests | Where-Object { $_ -match '^POST /(permission|question)/\w+/(reply|reject) 200$' })
            if ($Code -match '-WhatIf') { $answers | Should -BeNullOrEmpty -Because "-WhatIf sends nothing`n$shown" }
            else { $answers | Should -Not -BeNullOrEmpty -Because "the fake took the answer ($($run.ServeRequests -join '; '))`n$shown" }
        }
        # A file that holds the Go cookie is readable by its owner alone.
        $files | Where-Object HoldsGoCookie | ForEach-Object { $_.OwnerOnly | Should -BeTrue -Because "$($_.Path) holds the Go cookie" }

        # Each cost is one of the sample's figures (expected-usage.tsv, expected.tsv) or the fakes' (the delegate recording,
        # the watched step), or together they make one of the sample's totals (per-message records).
        $costs = @($run.Objects | Where-Object { $null -ne $_.PSObject.Properties['Cost'] -and $_.Cost -is [ValueType] } | ForEach-Object { [decimal]$_.Cost })
        if ($costs.Count -gt 0) {
            $sum = ($costs | Measure-Object -Sum).Sum
            $each = @($costs | Where-Object { -not (Test-Figure $figures $_) })
            if ($each.Count -gt 0 -and -not (Test-Figure $totals $sum)) {
                throw "costs $($each -join ', ') (sum $sum) are none of the sample's figures`n$shown"
            }
        }

        # PowerShell 7.3+ prints a bare decimal in a table with the culture's two digits: a real cost below half a cent
        # must never read as zero (every figure of the sample and the fakes is above zero).
        # The sample has no opencode-go message: a Go row's local spend is known, and exactly zero, and prints so.
        $zeroSpend = @($goRows | Where-Object { $_.LocalCost -eq 0 } | ForEach-Object { $_.PSObject.Properties['Window'].Value.ToString() })
        $text = ($run.Text -split '\r?\n' | Where-Object { -not ($zeroSpend -and $_ -match "^($($zeroSpend -join '|'))\s") }) -join "`n"
        $text | Should -Not -Match '(?<![\d.,])0\.0+(?![\d])' -Because "no non-zero figure prints as zero`n$shown"
    }
}
