package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.memsys.LineTransitions.*;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Walks every cell of {@link LineTransitions} against an expected table written out here by hand,
 * from the rules of the memory system (Write-Back write-allocate, Write-Through no-allocate, snoops
 * keep one dirty owner, maintenance semantics of DC CVAC/CIVAC/IVAC).
 */
class LineTransitionsTest {

    /** "STATE EVENT" -> "NEXT ACTIONS REPORTED" (actions in LineTransitions.actionNames order). */
    private static final String[] EXPECTED = {
        "INVALID LOCAL_READ          CLEAN   ALLOCATE|FILL_FROM_BELOW              -",
        "CLEAN   LOCAL_READ          CLEAN   NONE                                  -",
        "DIRTY   LOCAL_READ          DIRTY   NONE                                  -",
        "INVALID LOCAL_WRITE         DIRTY   ALLOCATE|FILL_FROM_BELOW|MERGE_DATA   update",
        "CLEAN   LOCAL_WRITE         DIRTY   MERGE_DATA                            update",
        "DIRTY   LOCAL_WRITE         DIRTY   MERGE_DATA                            update",
        "INVALID LOCAL_WRITE_THROUGH INVALID WRITE_THROUGH                         -",
        "CLEAN   LOCAL_WRITE_THROUGH CLEAN   MERGE_DATA|WRITE_THROUGH              update",
        "DIRTY   LOCAL_WRITE_THROUGH DIRTY   MERGE_DATA|WRITE_THROUGH              update",
        "INVALID SNOOP_READ          INVALID NONE                                  -",
        "CLEAN   SNOOP_READ          CLEAN   SUPPLY_DATA                           -",
        "DIRTY   SNOOP_READ          CLEAN   SUPPLY_DATA|WRITE_BACK                clean",
        "INVALID SNOOP_WRITE         INVALID NONE                                  -",
        "CLEAN   SNOOP_WRITE         INVALID DROP                                  invalidate",
        "DIRTY   SNOOP_WRITE         INVALID SUPPLY_DATA|DROP                      invalidate",
        "INVALID CLEAN               INVALID NONE                                  -",
        "CLEAN   CLEAN               CLEAN   NONE                                  -",
        "DIRTY   CLEAN               CLEAN   WRITE_BACK                            clean",
        "INVALID INVALIDATE          INVALID NONE                                  -",
        "CLEAN   INVALIDATE          INVALID DROP                                  invalidate",
        "DIRTY   INVALIDATE          INVALID DROP                                  invalidate",
        "INVALID CLEAN_INVALIDATE    INVALID NONE                                  -",
        "CLEAN   CLEAN_INVALIDATE    INVALID DROP                                  evict",
        "DIRTY   CLEAN_INVALIDATE    INVALID WRITE_BACK|DROP                       evict",
        "INVALID EVICT               INVALID NONE                                  -",
        "CLEAN   EVICT               INVALID DROP                                  evict",
        "DIRTY   EVICT               INVALID WRITE_BACK|DROP                       evict",
        "INVALID SPEC_FILL           CLEAN   ALLOCATE|FILL_FROM_BELOW              -",
        "CLEAN   SPEC_FILL           CLEAN   NONE                                  -",
        "DIRTY   SPEC_FILL           DIRTY   NONE                                  -",
        "INVALID ZERO                DIRTY   ALLOCATE|ZERO_DATA                    update",
        "CLEAN   ZERO                DIRTY   ZERO_DATA                             update",
        "DIRTY   ZERO                DIRTY   ZERO_DATA                             update",
        "INVALID WRITE_BACK_IN       DIRTY   ALLOCATE|ABSORB_LINE                  update",
        "CLEAN   WRITE_BACK_IN       DIRTY   ABSORB_LINE                           update",
        "DIRTY   WRITE_BACK_IN       DIRTY   ABSORB_LINE                           update",
    };

    private static int state(String s) {
        return switch (s) {
            case "INVALID" -> LineState.INVALID;
            case "CLEAN" -> LineState.CLEAN;
            default -> LineState.DIRTY;
        };
    }

    @Test
    void everyCell_matchesTheHandWrittenTable() {
        Map<String, String[]> expected = new HashMap<>();
        for (String row : EXPECTED) {
            String[] f = row.trim().split("\\s+");
            expected.put(f[0] + " " + f[1], f);
        }
        assertThat(expected).hasSize(3 * EVENT_COUNT);
        int walked = 0;
        for (int event = 0; event < EVENT_COUNT; event++) {
            for (int state = LineState.INVALID; state <= LineState.DIRTY; state++) {
                String key = LineState.name(state).toUpperCase() + " " + eventName(event);
                String[] f = expected.get(key);
                assertThat(f).as("expected row for %s", key).isNotNull();
                assertThat(next(state, event)).as("next state of %s", key).isEqualTo(state(f[2]));
                assertThat(actionNames(actions(state, event))).as("actions of %s", key).isEqualTo(f[3]);
                int rep = reported(state, event);
                assertThat(rep == NO_EVENT ? "-" : LineEvent.eventName(rep)).as("reported event of %s", key).isEqualTo(f[4]);
                walked++;
            }
        }
        assertThat(walked).isEqualTo(36);
    }

    @Test
    void instructionCacheEvents_fromInvalidOrClean_neverMakeADirtyLine() {
        int[] iSideEvents = {LOCAL_READ, SPEC_FILL, INVALIDATE, EVICT};
        for (int e : iSideEvents) {
            assertThat(next(LineState.INVALID, e)).isNotEqualTo(LineState.DIRTY);
            assertThat(next(LineState.CLEAN, e)).isNotEqualTo(LineState.DIRTY);
        }
    }

    @Test
    void dropAction_alwaysEndsInvalid_onlyDirtyLinesWriteBack_onlyValidLinesSupply() {
        for (int event = 0; event < EVENT_COUNT; event++) {
            for (int state = 0; state < 3; state++) {
                int acts = actions(state, event);
                if (has(acts, DROP)) assertThat(next(state, event)).isEqualTo(LineState.INVALID);
                if (has(acts, WRITE_BACK)) assertThat(state).isEqualTo(LineState.DIRTY);
                if (has(acts, SUPPLY_DATA)) assertThat(state).isNotEqualTo(LineState.INVALID);
                if (has(acts, ALLOCATE)) assertThat(state).isEqualTo(LineState.INVALID);
            }
        }
    }
}
