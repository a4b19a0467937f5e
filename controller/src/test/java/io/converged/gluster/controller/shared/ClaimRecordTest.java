package io.converged.gluster.controller.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.converged.gluster.controller.provision.OnDelete;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The claim record on a shared pool's directory: whatever a request may be named, it renders to a
 * value no command line or record syntax can misread, and reads back as it was; a value this driver
 * did not write reads as no record; an unreadable onDelete keeps the data.
 */
class ClaimRecordTest {
    /** What a record may render to: safe as one argv word (setfattr -v), in getfattr's dump, and in the record. */
    private static final String SAFE = "[A-Za-z0-9._%=;-]+";
    private static final long BYTES = 5L * 1024 * 1024 * 1024;

    private static ClaimRecord record(String requestName, OptionalInt gid, Optional<String> namespace,
            Optional<String> pvc) {
        return new ClaimRecord(requestName, BYTES, OnDelete.DELETE, gid, namespace, pvc, false);
    }

    private static ClaimRecord plain(String requestName) {
        return record(requestName, OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void aRecordWithoutGidOrPvcRendersItsFieldsInOrderAndReadsBackEqual() {
        ClaimRecord record = plain("pvc-5e0b");

        assertThat(record.render()).isEqualTo("v=1;request=pvc-5e0b;capacity=" + BYTES + ";onDelete=delete");
        assertThat(ClaimRecord.parse(record.render())).contains(record);
    }

    @Test
    void aRecordWithGidAndPvcReadsBackEqual() {
        ClaimRecord record = record("pvc-5e0b", OptionalInt.of(2001), Optional.of("team-a"), Optional.of("data-0"));

        assertThat(record.render()).isEqualTo("v=1;request=pvc-5e0b;capacity=" + BYTES
                + ";onDelete=delete;gid=2001;pvc=team-a%2Fdata-0");
        assertThat(ClaimRecord.parse(record.render())).contains(record);
    }

    @ParameterizedTest
    @EnumSource(OnDelete.class)
    void everyOnDeleteReadsBackAsItself(OnDelete onDelete) {
        ClaimRecord record = new ClaimRecord("pvc-1", BYTES, onDelete, OptionalInt.of(7), Optional.empty(),
                Optional.empty(), false);

        assertThat(ClaimRecord.parse(record.render())).contains(record);
    }

    @Test
    void aRetainedRecordSaysSoAndReadsBackRetainedWithEverythingElseKept() {
        ClaimRecord live = record("pvc-5e0b", OptionalInt.of(2001), Optional.of("team-a"), Optional.of("data-0"));

        ClaimRecord retained = live.asRetained();

        assertThat(retained.render()).isEqualTo(live.render() + ";state=retained");
        assertThat(ClaimRecord.parse(retained.render())).contains(retained);
        assertThat(ClaimRecord.parse(retained.render()).orElseThrow().retained()).isTrue();
        assertThat(ClaimRecord.parse(live.render()).orElseThrow().retained()).isFalse();
    }

    @Test
    void aFillingRecordSaysSoUntilItIsFilledAndARetainedOneIsNoLongerFilling() {
        ClaimRecord live = record("pvc-5e0b", OptionalInt.of(2001), Optional.of("team-a"), Optional.of("data-0"));

        ClaimRecord filling = live.asFilling();

        assertThat(filling.render()).isEqualTo(live.render() + ";state=filling");
        assertThat(ClaimRecord.parse(filling.render())).contains(filling);
        assertThat(ClaimRecord.parse(filling.render()).orElseThrow().filling()).isTrue();
        assertThat(ClaimRecord.parse(filling.render()).orElseThrow().retained()).isFalse();
        assertThat(filling.asFilled()).isEqualTo(live);
        assertThat(filling.withCapacity(2 * BYTES).filling()).isTrue();
        assertThat(filling.asRetained().render()).isEqualTo(live.render() + ";state=retained");
        assertThat(ClaimRecord.parse(live.render()).orElseThrow().filling()).isFalse();
    }

    @Test
    void aGrownRecordKeepsEverythingButItsCapacity() {
        ClaimRecord record = record("pvc-5e0b", OptionalInt.of(2001), Optional.of("team-a"), Optional.of("data-0"));

        assertThat(ClaimRecord.parse(record.withCapacity(2 * BYTES).render())).contains(new ClaimRecord("pvc-5e0b",
                2 * BYTES, OnDelete.DELETE, OptionalInt.of(2001), Optional.of("team-a"), Optional.of("data-0"),
                false));
    }

    @Test
    void aValueReadWithATrailingNewlineStillReads() {
        ClaimRecord record = plain("pvc-1");

        assertThat(ClaimRecord.parse(record.render() + "\n")).contains(record);
    }

    // ---------------------------------------------------------------- hostile names

    /** Names CSI allows (any UTF-8 up to 128 bytes and more) that a command line or a record could misread. */
    static Stream<String> hostileNames() {
        return Stream.of(
                "-rf",
                "--help",
                "-n user.other",
                "a=b",
                "v=2",
                "a;capacity=1",
                "a,b,c",
                "100%",
                "%41",
                "%",
                "with space",
                " leading and trailing ",
                "'single'",
                "\"double\"",
                "back\\slash",
                "0xdeadbeef",
                "0sYmFzZTY0",
                "new\nline",
                "tab\there",
                "ns/name",
                "ünïcödé-名前-🙂",
                "x".repeat(128),
                "é".repeat(100),
                "-=;,% '\"é" + "z".repeat(130));
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void aHostileRequestNameReadsBackExactlyAndRendersToSafeCharactersOnly(String name) {
        ClaimRecord record = plain(name);

        String rendered = record.render();

        assertThat(rendered).matches(SAFE).startsWith("v=1;");
        assertThat(ClaimRecord.parse(rendered)).contains(record);
        assertThat(ClaimRecord.parse(rendered).orElseThrow().requestName()).isEqualTo(name);
    }

    @ParameterizedTest
    @MethodSource("hostileNames")
    void aHostilePvcNameOrNamespaceReadsBackExactly(String name) {
        ClaimRecord record = record("pvc-1", OptionalInt.empty(), Optional.of("ns-" + name.replace("/", "")),
                Optional.of(name));

        assertThat(record.render()).matches(SAFE);
        assertThat(ClaimRecord.parse(record.render())).contains(record);
    }

    @Test
    void aLongNameOfManyBytesRendersEveryByteThatIsNotPlainAsAnEscape() {
        String name = "é".repeat(100);

        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(200);
        assertThat(plain(name).render()).contains("request=" + "%C3%A9".repeat(100) + ";");
    }

    // ---------------------------------------------------------------- values this driver did not write

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "garbage",
        "v=1",
        ";v=1;request=a;capacity=1;onDelete=delete",
        "=1;request=a;capacity=1;onDelete=delete",
        "v=2;request=a;capacity=1;onDelete=delete",
        "v=01;request=a;capacity=1;onDelete=delete",
        "request=a;capacity=1;onDelete=delete",
        "v=1;capacity=1;onDelete=delete",
        "v=1;request=a;onDelete=delete",
        "v=1;request=a;capacity=;onDelete=delete",
        "v=1;request=a;capacity=lots;onDelete=delete",
        "v=1;request=a;capacity=99999999999999999999;onDelete=delete",
        "v=1;request=a;capacity=1;onDelete=delete;gid=staff",
        "v=1;request=a;capacity=1;onDelete=delete;junk",
        "v=1;request=a%;capacity=1;onDelete=delete",
        "v=1;request=a%4;capacity=1;onDelete=delete",
        "v=1;request=a%zz;capacity=1;onDelete=delete",
        "v=1;request=a%4g;capacity=1;onDelete=delete",
        "v=1;request=a%+1;capacity=1;onDelete=delete",
        "v=1;request=a%-1;capacity=1;onDelete=delete",
        "v=1;request=a;capacity=1;onDelete=delete;pvc=ns%2",
    })
    void aValueThisDriverDidNotWriteReadsAsNoRecord(String value) {
        assertThat(ClaimRecord.parse(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"shred", "DELETE", "Archive", "", "delete%20"})
    void anUnknownOnDeleteReadsAsRetainSoNoDataIsLost(String onDelete) {
        Optional<ClaimRecord> record = ClaimRecord.parse("v=1;request=a;capacity=1;onDelete=" + onDelete);

        assertThat(record).hasValueSatisfying(r -> assertThat(r.onDelete()).isEqualTo(OnDelete.RETAIN));
    }

    @Test
    void aRecordWithoutOnDeleteReadsAsRetain() {
        assertThat(ClaimRecord.parse("v=1;request=a;capacity=1")).hasValueSatisfying(
                record -> assertThat(record.onDelete()).isEqualTo(OnDelete.RETAIN));
    }

    @Test
    void fieldsThisVersionDoesNotKnowAreIgnored() {
        assertThat(ClaimRecord.parse("v=1;request=a;capacity=1;onDelete=archive;owner=someone"))
                .contains(new ClaimRecord("a", 1, OnDelete.ARCHIVE, OptionalInt.empty(), Optional.empty(),
                        Optional.empty(), false));
    }
}
