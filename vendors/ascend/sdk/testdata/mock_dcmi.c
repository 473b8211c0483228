/*
 * mock_dcmi.c: a mock of libdcmi.so implementing dcmi_interface_api.h over
 * a small in-memory table of dies, so binding_test.go runs the real Go
 * binding (symbols, struct layouts, return codes) without a driver.
 *
 * Configured before dcmi_init by mock_dcmi_configure (tests load a private
 * copy each, so configurations never mix), or else by the environment:
 * MOCK_DCMI_MODEL (910B3, 910B4-1, 310P3, 910C), MOCK_DCMI_CARDS.
 * Numbering is deliberately unlike the index: card ids start at 1 and are
 * listed in reverse, and physical ids run opposite to logic ids, so a
 * binding that mixes them up fails its tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dcmi_interface_api.h"

#define MOCK_MAX_DIES 64
#define MOCK_SLOTS 16
#define MOCK_FIRST_VDEV 100

struct mock_template {
    const char *name;
    unsigned long long mem_mb;
    unsigned int cores;
};

struct mock_model {
    const char *name;      /* what the test asks for */
    const char *chip_name; /* what the chip reports */
    int hbm;
    unsigned long long mem_mb;  /* usable */
    unsigned long long phys_mb; /* templates are cut from this */
    unsigned int aicores;
    int dies_per_card;
    struct mock_template templates[4];
};

static const struct mock_model models[] = {
    {"910B3", "910B3", 1, 65536, 65536, 20, 1, {{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}, {0}, {0}}},
    /* a 910B4-1 calls itself 910B4; only its memory tells it apart. */
    {"910B4-1", "910B4", 1, 65536, 65536, 20, 1, {{"vir05_1c_16g", 16384, 5}, {"vir10_3c_32g", 32768, 10}, {0}, {0}}},
    {"310P3", "310P3", 0, 21527, 24576, 8, 1, {{"vir01", 3072, 1}, {"vir02", 6144, 2}, {"vir04", 12288, 4}, {0}}},
    {"910C", "910C", 1, 65536, 65536, 24, 2, {{"vir03_1c_8g", 8192, 3}, {"vir06_1c_16g", 16384, 6}, {"vir12_3c_32g", 32768, 12}, {0}}},
};

struct mock_vdev {
    int used;
    int tmpl;
};

/* mock_lock guards every variable below it. */
static pthread_mutex_t mock_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct mock_model *model;
static int cards;
static int inited;
static char fail_call[64];
static int fail_code;
static unsigned int health[MOCK_MAX_DIES];
static struct mock_vdev vdevs[MOCK_MAX_DIES][MOCK_SLOTS];

static int dies(void) { return cards * model->dies_per_card; }

/* Logic id of (card, device); -1 when there is no such die. */
static int logic_of(int card_id, int device_id)
{
    if (!inited || card_id < 1 || card_id > cards || device_id < 0 || device_id >= model->dies_per_card) {
        return -1;
    }
    return (card_id - 1) * model->dies_per_card + device_id;
}

static unsigned int phy_of(int logic) { return (unsigned int)(dies() - 1 - logic); }

/* failing reports the injected code for call, or DCMI_OK. */
static int failing(const char *call) { return strcmp(fail_call, call) == 0 ? fail_code : DCMI_OK; }

int mock_dcmi_configure(const char *name, int ncards)
{
    pthread_mutex_lock(&mock_lock);
    model = NULL;
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        if (strcmp(models[i].name, name) == 0) {
            model = &models[i];
        }
    }
    cards = ncards;
    int ok = model != NULL && ncards > 0 && ncards * model->dies_per_card <= MOCK_MAX_DIES;
    pthread_mutex_unlock(&mock_lock);
    return ok ? DCMI_OK : DCMI_ERR_CODE_INVALID_PARAMETER;
}

void mock_dcmi_fail(const char *call, int code)
{
    pthread_mutex_lock(&mock_lock);
    strncpy(fail_call, call, sizeof(fail_call) - 1);
    fail_code = code;
    pthread_mutex_unlock(&mock_lock);
}

void mock_dcmi_set_health(int logic, unsigned int value)
{
    pthread_mutex_lock(&mock_lock);
    if (logic >= 0 && logic < MOCK_MAX_DIES) {
        health[logic] = value;
    }
    pthread_mutex_unlock(&mock_lock);
}

int dcmi_init(void)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing("dcmi_init");
    pthread_mutex_unlock(&mock_lock);
    if (ret != DCMI_OK) {
        return ret;
    }
    if (model == NULL) {
        const char *name = getenv("MOCK_DCMI_MODEL");
        const char *n = getenv("MOCK_DCMI_CARDS");
        ret = mock_dcmi_configure(name ? name : "910B3", n ? atoi(n) : 8);
        if (ret != DCMI_OK) {
            return ret;
        }
    }
    pthread_mutex_lock(&mock_lock);
    inited = 1;
    pthread_mutex_unlock(&mock_lock);
    return DCMI_OK;
}

int dcmi_get_card_list(int *card_num, int *card_list, int list_len)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing("dcmi_get_card_list");
    if (ret == DCMI_OK && !inited) {
        ret = DCMI_ERR_CODE_NOT_READY;
    }
    if (ret == DCMI_OK && (card_num == NULL || card_list == NULL || list_len < cards)) {
        ret = DCMI_ERR_CODE_INVALID_PARAMETER;
    }
    if (ret == DCMI_OK) {
        *card_num = cards;
        for (int i = 0; i < cards; i++) {
            card_list[i] = cards - i;
        }
    }
    pthread_mutex_unlock(&mock_lock);
    return ret;
}

int dcmi_get_device_num_in_card(int card_id, int *device_num)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing("dcmi_get_device_num_in_card");
    if (ret == DCMI_OK && logic_of(card_id, 0) < 0) {
        ret = DCMI_ERR_CODE_INVALID_DEVICE_ID;
    }
    if (ret == DCMI_OK) {
        *device_num = model->dies_per_card;
    }
    pthread_mutex_unlock(&mock_lock);
    return ret;
}

int dcmi_get_device_logic_id(int *device_logic_id, int card_id, int device_id)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing("dcmi_get_device_logic_id");
    int logic = logic_of(card_id, device_id);
    if (ret == DCMI_OK && logic < 0) {
        ret = DCMI_ERR_CODE_INVALID_DEVICE_ID;
    }
    if (ret == DCMI_OK) {
        *device_logic_id = logic;
    }
    pthread_mutex_unlock(&mock_lock);
    return ret;
}

int dcmi_get_device_phyid_from_logicid(unsigned int logicid, unsigned int *phyid)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing("dcmi_get_device_phyid_from_logicid");
    if (ret == DCMI_OK && (!inited || logicid >= (unsigned int)dies())) {
        ret = DCMI_ERR_CODE_INVALID_DEVICE_ID;
    }
    if (ret == DCMI_OK) {
        *phyid = phy_of((int)logicid);
    }
    pthread_mutex_unlock(&mock_lock);
    return ret;
}

/* enter takes mock_lock and checks the injected failure and the die;
 * every path out must call leave. */
static int enter(const char *call, int card_id, int device_id, int *logic)
{
    pthread_mutex_lock(&mock_lock);
    int ret = failing(call);
    if (ret != DCMI_OK) {
        return ret;
    }
    *logic = logic_of(card_id, device_id);
    return *logic < 0 ? DCMI_ERR_CODE_INVALID_DEVICE_ID : DCMI_OK;
}

static int leave(int ret)
{
    pthread_mutex_unlock(&mock_lock);
    return ret;
}

int dcmi_get_device_die_v2(int card_id, int device_id, enum dcmi_die_type input_type, struct dcmi_die_id *die_id)
{
    int logic;
    int ret = enter("dcmi_get_device_die_v2", card_id, device_id, &logic);
    if (ret == DCMI_OK && input_type != NDIE) {
        ret = DCMI_ERROR_CODE_NOT_SUPPORT;
    }
    if (ret == DCMI_OK) {
        for (int k = 0; k < DIE_ID_COUNT; k++) {
            die_id->soc_die[k] = 0xA5000000u | ((unsigned int)logic << 8) | (unsigned int)k;
        }
    }
    return leave(ret);
}

int dcmi_get_device_chip_info(int card_id, int device_id, struct dcmi_chip_info *chip_info)
{
    int logic;
    int ret = enter("dcmi_get_device_chip_info", card_id, device_id, &logic);
    if (ret == DCMI_OK) {
        memset(chip_info, 0, sizeof(*chip_info));
        strcpy((char *)chip_info->chip_type, "Ascend");
        strcpy((char *)chip_info->chip_name, model->chip_name);
        strcpy((char *)chip_info->chip_ver, "V1");
        chip_info->aicore_cnt = model->aicores;
    }
    return leave(ret);
}

int dcmi_get_device_health(int card_id, int device_id, unsigned int *value)
{
    int logic;
    int ret = enter("dcmi_get_device_health", card_id, device_id, &logic);
    if (ret == DCMI_OK) {
        *value = health[logic];
    }
    return leave(ret);
}

int dcmi_get_device_memory_info_v3(int card_id, int device_id, struct dcmi_get_memory_info_stru *memory_info)
{
    int logic;
    int ret = enter("dcmi_get_device_memory_info_v3", card_id, device_id, &logic);
    if (ret == DCMI_OK && model->hbm) {
        ret = DCMI_ERROR_CODE_NOT_SUPPORT;
    }
    if (ret == DCMI_OK) {
        memset(memory_info, 0, sizeof(*memory_info));
        memory_info->memory_size = model->mem_mb;
        memory_info->memory_available = model->mem_mb - 1000 - (unsigned long long)logic;
        memory_info->hugepagesize = 2048;
        memory_info->utiliza = 5;
    }
    return leave(ret);
}

int dcmi_get_device_hbm_info(int card_id, int device_id, struct dcmi_hbm_info *hbm_info)
{
    int logic;
    int ret = enter("dcmi_get_device_hbm_info", card_id, device_id, &logic);
    if (ret == DCMI_OK && !model->hbm) {
        ret = DCMI_ERROR_CODE_NOT_SUPPORT;
    }
    if (ret == DCMI_OK) {
        memset(hbm_info, 0, sizeof(*hbm_info));
        hbm_info->memory_size = model->mem_mb;
        hbm_info->memory_usage = 1000 + (unsigned long long)logic;
        hbm_info->temp = 40;
    }
    return leave(ret);
}

int dcmi_get_device_utilization_rate(int card_id, int device_id, int input_type, unsigned int *utilization_rate)
{
    int logic;
    int ret = enter("dcmi_get_device_utilization_rate", card_id, device_id, &logic);
    if (ret == DCMI_OK && input_type != DCMI_UTILIZATION_RATE_AICORE) {
        ret = DCMI_ERROR_CODE_NOT_SUPPORT;
    }
    if (ret == DCMI_OK) {
        *utilization_rate = 10u + (unsigned int)logic;
    }
    return leave(ret);
}

int dcmi_get_device_pcie_info_v2(int card_id, int device_id, struct dcmi_pcie_info_all *pcie_info)
{
    int logic;
    int ret = enter("dcmi_get_device_pcie_info_v2", card_id, device_id, &logic);
    if (ret == DCMI_OK) {
        memset(pcie_info, 0, sizeof(*pcie_info));
        pcie_info->venderid = 0x19e5;
        pcie_info->deviceid = 0xd802;
        pcie_info->bdf_busid = 0x10u + (unsigned int)logic;
    }
    return leave(ret);
}

static int find_template(const char *name)
{
    for (int i = 0; i < 4 && model->templates[i].name != NULL; i++) {
        if (strcmp(model->templates[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

/* fits says whether template t fits what the die's vNPUs leave. */
static int fits(int logic, int t)
{
    unsigned int cores = model->templates[t].cores;
    unsigned long long mem = model->templates[t].mem_mb;
    for (int s = 0; s < MOCK_SLOTS; s++) {
        if (vdevs[logic][s].used) {
            cores += model->templates[vdevs[logic][s].tmpl].cores;
            mem += model->templates[vdevs[logic][s].tmpl].mem_mb;
        }
    }
    return cores <= model->aicores && mem <= model->phys_mb;
}

static unsigned int vdev_id(int logic, int slot)
{
    return MOCK_FIRST_VDEV + phy_of(logic) * MOCK_SLOTS + (unsigned int)slot;
}

/* slot_of is the slot of vNPU id on the die, -1 when it has none. */
static int slot_of(int logic, unsigned int id)
{
    for (int s = 0; s < MOCK_SLOTS; s++) {
        if (vdevs[logic][s].used && vdev_id(logic, s) == id) {
            return s;
        }
    }
    return -1;
}

int dcmi_create_vdevice(int card_id, int device_id, struct dcmi_create_vdev_res_stru *vdev, struct dcmi_create_vdev_out *out)
{
    int logic;
    int ret = enter("dcmi_create_vdevice", card_id, device_id, &logic);
    if (ret != DCMI_OK) {
        return leave(ret);
    }
    char name[sizeof(vdev->template_name) + 1] = {0};
    memcpy(name, vdev->template_name, sizeof(vdev->template_name));
    int t = find_template(name);
    if (t < 0 || vdev->vdev_id != DCMI_VDEV_ID_ANY) {
        return leave(DCMI_ERR_CODE_INVALID_PARAMETER);
    }
    int slot = -1;
    for (int s = MOCK_SLOTS - 1; s >= 0; s--) {
        if (!vdevs[logic][s].used) {
            slot = s;
        }
    }
    if (slot < 0 || !fits(logic, t)) {
        return leave(DCMI_ERR_CODE_RESOURCE_OCCUPIED);
    }
    vdevs[logic][slot].used = 1;
    vdevs[logic][slot].tmpl = t;
    memset(out, 0, sizeof(*out));
    out->vdev_id = vdev_id(logic, slot);
    out->vfg_id = (unsigned int)slot;
    return leave(DCMI_OK);
}

int dcmi_set_destroy_vdevice(int card_id, int device_id, unsigned int vdevid)
{
    int logic;
    int ret = enter("dcmi_set_destroy_vdevice", card_id, device_id, &logic);
    if (ret != DCMI_OK) {
        return leave(ret);
    }
    int slot = slot_of(logic, vdevid);
    if (slot < 0) {
        return leave(DCMI_ERR_CODE_DEVICE_NOT_EXIST);
    }
    vdevs[logic][slot].used = 0;
    return leave(DCMI_OK);
}

static int total_resource(int logic, struct dcmi_soc_total_resource *total)
{
    memset(total, 0, sizeof(*total));
    for (int s = 0; s < MOCK_SLOTS; s++) {
        if (vdevs[logic][s].used) {
            total->vfg_id[total->vfg_num++] = (unsigned int)s;
            total->vdev_id[total->vdev_num++] = vdev_id(logic, s);
        }
    }
    total->computing.aic = (float)model->aicores;
    total->computing.memory_size = model->phys_mb;
    return DCMI_OK;
}

static int vdev_resource(int logic, struct dcmi_vdev_query_stru *q)
{
    int slot = slot_of(logic, q->vdev_id);
    if (slot < 0) {
        return DCMI_ERR_CODE_DEVICE_NOT_EXIST;
    }
    const struct mock_template *t = &model->templates[vdevs[logic][slot].tmpl];
    memset(&q->query_info, 0, sizeof(q->query_info));
    strncpy(q->query_info.name, t->name, sizeof(q->query_info.name) - 1);
    q->query_info.vfg_id = (unsigned int)slot;
    q->query_info.computing.aic = (float)t->cores;
    q->query_info.computing.memory_size = t->mem_mb;
    return DCMI_OK;
}

int dcmi_get_device_info(int card_id, int device_id, enum dcmi_main_cmd main_cmd, unsigned int sub_cmd, void *buf, unsigned int *size)
{
    int logic;
    int ret = enter("dcmi_get_device_info", card_id, device_id, &logic);
    if (ret != DCMI_OK) {
        return leave(ret);
    }
    if (main_cmd != DCMI_MAIN_CMD_VDEV_MNG || buf == NULL || size == NULL) {
        return leave(DCMI_ERR_CODE_INVALID_PARAMETER);
    }
    switch (sub_cmd) {
    case DCMI_VMNG_SUB_CMD_GET_TOTAL_RESOURCE:
        if (*size < sizeof(struct dcmi_soc_total_resource)) {
            return leave(DCMI_ERR_CODE_INVALID_PARAMETER);
        }
        *size = sizeof(struct dcmi_soc_total_resource);
        return leave(total_resource(logic, buf));
    case DCMI_VMNG_SUB_CMD_GET_VDEV_RESOURCE:
        if (*size < sizeof(struct dcmi_vdev_query_stru)) {
            return leave(DCMI_ERR_CODE_INVALID_PARAMETER);
        }
        *size = sizeof(struct dcmi_vdev_query_stru);
        return leave(vdev_resource(logic, buf));
    default:
        return leave(DCMI_ERROR_CODE_NOT_SUPPORT);
    }
}
