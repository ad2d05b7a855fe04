package dev.restoreguard.streams;

import static dev.restoreguard.streams.ScenarioFixture.INVENTORY;
import static dev.restoreguard.streams.ScenarioFixture.approval;
import static dev.restoreguard.streams.ScenarioFixture.dns;
import static dev.restoreguard.streams.ScenarioFixture.hosts;
import static dev.restoreguard.streams.ScenarioFixture.restore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.alert.Alert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The detection contract, clause by clause, through the real topology (TopologyTestDriver):
 * each test fails if the clause it names is broken.
 */
class CorrelationTopologyTest {

    private static final String OBS = "vbr01.corp.example";
    private static final String S1 = "restore:veeam:s1";
    private static final String PROD_DNS = dns("2026-11-20T08:00:00Z", "add", "sql-prod-01", "A", "10.20.1.15");
    private static final String DEV_DNS = dns("2026-11-20T08:00:00Z", "add", "sql-dev-01", "A", "10.30.1.15");

    private ScenarioFixture fx = new ScenarioFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Nested
    class EffectiveTarget {

        @Test
        void shouldQualifyShortTargetWithObserverDomainAndMatchHostsEntry() {
            fx.feed(INVENTORY, DEV_DNS, hosts("2026-11-20T15:00:00Z", OBS, "10.20.1.15 SQL-DEV-01.corp.example.\n"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-001 critical " + S1, "RG-002 critical " + S1);
            final Map<String, Object> target = ScenarioFixture.targets(fx.alert("RG-001", S1).orElseThrow()).get(0);
            assertThat(target).containsEntry("target", "sql-dev-01.corp.example")
                    .containsEntry("effective_ip", "10.20.1.15").containsEntry("resolved_by", "hosts-file");
        }

        @Test
        void shouldUseFirstValidHostsEntryAndIgnoreInvalidLines() {
            fx.feed(INVENTORY, hosts("2026-11-20T15:00:00Z", OBS,
                            "not-an-ip sql-dev-01\n10.40.1.15\tsql-dev-01 # staging first\n10.20.1.15 sql-dev-01\n"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", "sql-dev-01"));
            // the staging line decides; the production line after it is never used
            assertThat(fx.open()).containsExactly("RG-002 high " + S1,
                    "RG-003 high hosts:vbr01.corp.example:sql-dev-01.corp.example:10.40.1.15");
        }

        @Test
        void shouldTreatIpLiteralTargetAsItself() {
            fx.feed(INVENTORY, restore("2026-11-20T16:00:00Z", "s1", "started", "10.20.1.15"));
            // intended and effective are the same production IP: unapproved production, no mismatch
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldFollowCnamesAndPreferTheMostRecentlyAddedRecord() {
            fx.feed(INVENTORY,
                    dns("2026-11-20T08:00:00Z", "add", "app", "CNAME", "db.corp.example"),
                    dns("2026-11-20T08:00:00Z", "add", "db", "A", "10.40.1.20"),
                    dns("2026-11-20T09:00:00Z", "add", "db", "A", "10.20.1.20"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", "app.corp.example"));
            // app is no asset: its intended environment comes from DNS too, so both are production
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            final Map<String, Object> target = ScenarioFixture.targets(fx.alert("RG-001", S1).orElseThrow()).get(0);
            assertThat(target).containsEntry("effective_ip", "10.20.1.20").containsEntry("resolved_by", "dns");
        }

        @Test
        void shouldGiveUpAfterEightCnameSteps() {
            final String[] lines = new String[12];
            lines[0] = INVENTORY;
            for (int i = 0; i < 10; i++) {
                lines[i + 1] = dns("2026-11-20T08:00:00Z", "add", "c" + i, "CNAME", "c" + (i + 1) + ".corp.example");
            }
            lines[11] = dns("2026-11-20T08:00:00Z", "add", "c10", "A", "10.20.1.99");
            fx.feed(lines);
            fx.feed(restore("2026-11-20T16:00:00Z", "s1", "started", "c0.corp.example"));
            assertThat(fx.open()).containsExactly("RG-006 medium " + S1);
        }

        @Test
        void shouldNotUseADeletedRecord() {
            fx.feed(INVENTORY, dns("2026-11-20T08:00:00Z", "add", "web", "A", "10.20.1.30"),
                    dns("2026-11-20T09:00:00Z", "delete", "web", "A", "10.20.1.30"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", "web.corp.example"));
            assertThat(fx.open()).containsExactly("RG-006 medium " + S1);
        }

        @Test
        void shouldFallBackToTheInventoryAssetsFirstIp() {
            fx.feed(INVENTORY, restore("2026-11-20T16:00:00Z", "s1", "started", "sql-stg-01"));
            assertThat(fx.open()).isEmpty();
            fx.feed(restore("2026-11-20T16:05:00Z", "s2", "started", "sql-prod-01.corp.example"));
            assertThat(fx.open()).containsExactly("RG-001 critical restore:veeam:s2");
        }

        @Test
        void shouldUseTheMostSpecificNetworkAndIpv6() {
            fx.feed(INVENTORY.replace("\"networks\":[", "\"networks\":[{\"cidr\":\"10.20.9.0/24\",\"environment\":\"test\"},"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", "10.20.9.9"),
                    restore("2026-11-20T16:00:00Z", "s2", "started", "FD00:20:0:0::0:1"));
            assertThat(fx.open()).containsExactly("RG-001 critical restore:veeam:s2");
            final Map<String, Object> t = ScenarioFixture.targets(fx.alert("RG-001", "restore:veeam:s2").orElseThrow()).get(0);
            assertThat(t).containsEntry("target", "fd00:20::1").containsEntry("effective_environment", "production");
        }

        @Test
        void shouldRaiseUnknownEnvironmentWhenNothingExplainsTheAddress() {
            fx.feed(INVENTORY, restore("2026-11-20T16:00:00Z", "s1", "started", "192.0.2.7"),
                    restore("2026-11-20T16:00:00Z", "s2", "started", "nowhere.corp.example"));
            assertThat(fx.open()).containsExactly("RG-006 medium " + S1, "RG-006 medium restore:veeam:s2");
        }
    }

    @Nested
    class Approvals {

        @Test
        void shouldNotAlertWhenAnApprovalCoversTheRestore() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:00:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).isEmpty();
        }

        @Test
        void shouldStillRaiseMismatchWhenApproved() {
            fx.feed(INVENTORY, PROD_DNS, hosts("2026-11-21T09:00:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "10.20.1.15", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T23:00:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-002 critical " + S1).doesNotContain("RG-001 critical " + S1);
        }

        @Test
        void shouldNotLetADevelopmentApprovalCoverAHostsRedirectIntoProduction() {
            fx.feed(INVENTORY, PROD_DNS, DEV_DNS, hosts("2026-11-21T09:00:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "sql-dev-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T23:00:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-001 critical " + S1);
        }

        @Test
        void shouldNotCoverWithAnApprovalGrantedAfterTheRestoreStarted() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T22:30:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldCountAnApprovalGrantedAtTheRestoreTime() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T22:15:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).isEmpty();
        }

        @Test
        void shouldEndAnApprovalWhenRevokedAndRestoreItWhenApprovedAgain() {
            final String window = "2026-11-21T20:00:00Z";
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "sql-prod-01", window, "2026-11-22T04:00:00Z"),
                    approval("2026-11-21T21:00:00Z", "CHG1", "revoked", "sql-prod-01", window, "2026-11-22T04:00:00Z"),
                    restore("2026-11-21T21:30:00Z", "s1", "started", "sql-prod-01"),
                    approval("2026-11-21T22:00:00Z", "CHG1", "approved", "sql-prod-01", window, "2026-11-22T04:00:00Z"),
                    restore("2026-11-21T22:30:00Z", "s2", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldNotCoverWithAnApprovalWithoutWindow() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "sql-prod-01", null, null),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldResolveApprovalTargetsThroughDnsRecords() {
            fx.feed(INVENTORY, dns("2026-11-20T08:00:00Z", "add", "payroll-db", "A", "10.20.1.15"),
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "payroll-db.corp.example",
                            "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "10.20.1.15"));
            assertThat(fx.open()).isEmpty();
        }

        @Test
        void shouldRaiseOutsideWindowWithin24HoursAndUnapprovedBeyond() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T10:00:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-22T22:00:00Z", "2026-11-23T02:00:00Z"),
                    restore("2026-11-21T22:00:00Z", "s1", "started", "sql-prod-01"),
                    restore("2026-11-21T21:59:00Z", "s2", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical restore:veeam:s2", "RG-005 high " + S1);
        }

        @Test
        void shouldNotRaiseOutsideWindowForAPendingChange() {
            fx.feed(INVENTORY, PROD_DNS,
                    approval("2026-11-21T10:00:00Z", "CHG1", "pending", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T21:00:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }
    }

    @Nested
    class TimeAndOrder {

        @Test
        void shouldJudgeALateRestoreAgainstTheHostsFileAsItWas() {
            fx.feed(INVENTORY, DEV_DNS, hosts("2026-11-23T13:50:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    hosts("2026-11-23T14:10:00Z", OBS, "127.0.0.1 localhost\n"),
                    restore("2026-11-23T14:05:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-001 critical " + S1, "RG-002 critical " + S1);
        }

        @Test
        void shouldIgnoreAHostsChangeAfterTheRestoreTime() {
            fx.feed(INVENTORY, DEV_DNS, restore("2026-11-20T16:02:00Z", "s1", "started", "sql-dev-01"),
                    hosts("2026-11-20T16:10:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    restore("2026-11-20T16:19:00Z", "s1", "finished", "sql-dev-01"));
            assertThat(fx.open()).doesNotContain("RG-001 critical " + S1, "RG-002 critical " + S1);
        }

        @Test
        void shouldRetractWhenALateApprovalWithinTheLatenessCoversTheRestore() {
            fx.feed(INVENTORY, PROD_DNS, restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            fx.feed(approval("2026-11-21T22:10:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"));
            assertThat(fx.open()).isEmpty();
            assertThat(fx.retracted()).containsExactly("RG-001 " + S1);
            final List<Alert> versions = fx.published().stream().filter(a -> a.alert().subject().equals(S1)).toList();
            assertThat(versions).extracting(a -> a.alert().status()).containsExactly("open", "retracted");
            assertThat(versions.get(0).alert().id()).isEqualTo(versions.get(1).alert().id());
        }

        @Test
        void shouldRetractWhenALateApprovalNamesTheAddressThroughALateDnsRecord() {
            // the restore names the address itself, so neither the DNS record nor the approval's
            // name is among what it resolved through: only the address ties them together
            fx.feed(INVENTORY, restore("2026-11-21T22:15:00Z", "s1", "started", "10.20.1.15"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            fx.feed(dns("2026-11-21T22:05:00Z", "add", "payroll-db", "A", "10.20.1.15"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            fx.feed(approval("2026-11-21T22:10:00Z", "CHG1", "approved", "payroll-db.corp.example",
                    "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"));
            assertThat(fx.open()).isEmpty();
            assertThat(fx.retracted()).containsExactly("RG-001 " + S1);
        }

        @Test
        void shouldReopenWhenALateRecordRetargetsAChangeTheRestoreCountedOn() {
            fx.feed(INVENTORY, PROD_DNS, DEV_DNS,
                    approval("2026-11-21T21:00:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"));
            assertThat(fx.open()).isEmpty();
            // the change, re-stated before the restore, now names another machine only
            fx.feed(approval("2026-11-21T22:10:00Z", "CHG1", "approved", "sql-dev-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldRetractWhenALateDnsRecordLetsAnEarlierApprovalNameTheAddress() {
            fx.feed(INVENTORY, approval("2026-11-21T20:00:00Z", "CHG1", "approved", "payroll-db.corp.example",
                            "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "10.20.1.15"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            fx.feed(dns("2026-11-21T22:05:00Z", "add", "payroll-db", "A", "10.20.1.15"));
            assertThat(fx.open()).isEmpty();
        }

        @Test
        void shouldNotReviseWithARecordOlderThanTheAllowedLateness() {
            fx.feed(INVENTORY, PROD_DNS, restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"),
                    restore("2026-11-21T23:00:00Z", "s2", "started", "sql-stg-01"),
                    approval("2026-11-21T22:10:00Z", "CHG1", "approved", "sql-prod-01", "2026-11-21T22:00:00Z", "2026-11-22T02:00:00Z"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            // still applied to state for later verdicts
            fx.feed(restore("2026-11-21T23:30:00Z", "s3", "started", "sql-prod-01"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldReviseARestoreWhenALateRecordCompletesTheCnameChainItsTargetFollowed() {
            fx.feed(INVENTORY, dns("2026-11-21T08:00:00Z", "add", "reports", "CNAME", "reports-db.corp.example"),
                    restore("2026-11-21T12:00:00Z", "s1", "started", "reports"));
            assertThat(fx.open()).containsExactly("RG-006 medium " + S1);
            // the chain's last name gets its address 5 minutes before the restore, reported late
            fx.feed(dns("2026-11-21T11:55:00Z", "add", "reports-db", "A", "10.20.1.15"));
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
        }

        @Test
        void shouldReviseAHostsVerdictWhenALateRecordCompletesTheCnameChainOfItsName() {
            // reports is no asset: its intended environment is where DNS sends it, through a CNAME
            fx.feed(INVENTORY, dns("2026-11-21T08:00:00Z", "add", "reports", "CNAME", "reports-db.corp.example"),
                    hosts("2026-11-21T12:00:00Z", OBS, "10.20.1.15 reports\n"));
            assertThat(fx.open()).isEmpty();
            fx.feed(dns("2026-11-21T11:55:00Z", "add", "reports-db", "A", "10.30.1.15"));
            assertThat(fx.open()).containsExactly("RG-003 high hosts:" + OBS + ":reports.corp.example:10.20.1.15");
        }

        @Test
        void shouldRaiseAMissingAlertWhenALateHostsSnapshotArrives() {
            fx.feed(INVENTORY, DEV_DNS, restore("2026-11-20T16:02:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).isEmpty();
            fx.feed(hosts("2026-11-20T15:58:00Z", OBS, "10.20.1.15 sql-dev-01\n"));
            assertThat(fx.open()).contains("RG-001 critical " + S1, "RG-002 critical " + S1);
        }

        @Test
        void shouldWaitForATargetAndJudgeAsOfTheStartRecord() {
            fx.feed(INVENTORY, DEV_DNS, hosts("2026-11-20T15:00:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    restore("2026-11-20T16:00:00Z", "s1", "started", null));
            assertThat(fx.finalAlerts()).extracting(a -> a.alert().subject()).doesNotContain(S1);
            fx.feed(hosts("2026-11-20T16:05:00Z", OBS, "127.0.0.1 localhost\n"),
                    restore("2026-11-20T16:10:00Z", "s1", "running", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-001 critical " + S1);
            assertThat(fx.alert("RG-001", S1).orElseThrow().timestamp()).hasToString("2026-11-20T16:00:00Z");
        }

        @Test
        void shouldPublishOneAlertPerRuleForAllRecordsOfASession() {
            fx.feed(INVENTORY, PROD_DNS, restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"),
                    restore("2026-11-21T22:15:00Z", "s1", "started", "sql-prod-01"),
                    restore("2026-11-21T22:40:00Z", "s1", "finished", "sql-prod-01"));
            assertThat(fx.finalAlerts()).hasSize(1);
            assertThat(fx.published()).allMatch(a -> a.rule().id().equals("RG-001"));
        }

        @Test
        void shouldKeepAFindingOpenWhenItsConditionLaterClears() {
            fx.feed(INVENTORY, DEV_DNS, hosts("2026-11-20T15:00:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    hosts("2026-11-20T17:00:00Z", OBS, "127.0.0.1 localhost\n"));
            assertThat(fx.open()).containsExactly("RG-003 high hosts:vbr01.corp.example:sql-dev-01.corp.example:10.20.1.15");
        }

        @Test
        void shouldJudgeEverySessionTargetAndKeepTheMostSevereVerdict() {
            fx.feed(INVENTORY, DEV_DNS, PROD_DNS,
                    restore("2026-11-20T16:00:00Z", "s1", "started", "sql-stg-01"),
                    restore("2026-11-20T16:10:00Z", "s1", "running", "10.20.1.15"));
            final Alert mismatch = fx.alert("RG-002", S1).orElse(null);
            assertThat(mismatch).isNull(); // each target went where it was meant to go
            assertThat(fx.open()).containsExactly("RG-001 critical " + S1);
            assertThat(ScenarioFixture.targets(fx.alert("RG-001", S1).orElseThrow())).hasSize(2);
        }

        @Test
        void shouldUseTheStartRecordsTimeWhenItArrivesAfterTheFinishedRecord() {
            fx.feed(INVENTORY, DEV_DNS, hosts("2026-11-20T16:00:00Z", OBS, "10.20.1.15 sql-dev-01\n"),
                    hosts("2026-11-20T16:10:00Z", OBS, "127.0.0.1 localhost\n"),
                    restore("2026-11-20T16:12:00Z", "s1", "finished", "sql-dev-01"));
            assertThat(fx.open()).doesNotContain("RG-001 critical " + S1);
            fx.feed(restore("2026-11-20T16:05:00Z", "s1", "started", "sql-dev-01"));
            assertThat(fx.open()).contains("RG-001 critical " + S1);
            assertThat(fx.alert("RG-001", S1).orElseThrow().timestamp()).hasToString("2026-11-20T16:05:00Z");
        }
    }

    @Nested
    class HostsAndDnsRules {

        @Test
        void shouldRaiseHostsOverrideOncePerNameAndAddress() {
            fx.feed(INVENTORY, hosts("2026-11-20T15:41:00Z", OBS,
                    "10.20.1.15\tsql-dev-01.corp.example sql-dev-01   # temp fix\r\n127.0.0.1 localhost\r\n"));
            assertThat(fx.open()).containsExactly("RG-003 high hosts:vbr01.corp.example:sql-dev-01.corp.example:10.20.1.15");
        }

        @Test
        void shouldDeriveIntendedEnvironmentFromDnsForNamesThatAreNoAsset() {
            fx.feed(INVENTORY, dns("2026-11-20T08:00:00Z", "add", "reports", "A", "10.30.7.7"),
                    hosts("2026-11-20T15:41:00Z", OBS, "10.20.1.15 reports\n"));
            assertThat(fx.open()).containsExactly("RG-003 high hosts:vbr01.corp.example:reports.corp.example:10.20.1.15");
        }

        @Test
        void shouldRaiseDnsCrossingForAnAddOnly() {
            fx.feed(INVENTORY, dns("2026-11-22T11:00:00Z", "add", "sql-dev-01", "A", "10.20.1.15"),
                    dns("2026-11-22T11:05:00Z", "delete", "sql-stg-01", "A", "10.20.1.15"),
                    dns("2026-11-22T11:05:00Z", "add", "sql-stg-01", "CNAME", "sql-prod-01.corp.example"),
                    dns("2026-11-22T11:06:00Z", "add", "unlisted", "A", "10.20.1.15"));
            assertThat(fx.open()).containsExactly("RG-004 high dns:corp.example:sql-dev-01.corp.example:10.20.1.15");
        }

        @Test
        void shouldCompareZoneSuffixesByWholeLabels() {
            fx.feed(INVENTORY.replace("sql-dev-01.corp.example", "sql-dev-01.xcorp.example.corp.example"),
                    dns("2026-11-22T11:00:00Z", "add", "sql-dev-01.xcorp.example", "A", "10.20.1.15"),
                    dns("2026-11-22T11:00:00Z", "add", "@", "A", "10.30.1.1"));
            assertThat(fx.open()).containsExactly(
                    "RG-004 high dns:corp.example:sql-dev-01.xcorp.example.corp.example:10.20.1.15");
        }
    }
}
